using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Tests;

public sealed class ConsolidationReviewTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    static readonly ConsolidationPolicy Policy = new();
    static readonly LoadEconomics Truckload = new(TimeSpan.FromHours(24), 1200m, "test");

    static LoadableOrder Order(string id, int pallets, DateTimeOffset due, string stop = "DC-1", string group = "US-303") =>
        new(id, group, pallets * 1000m, pallets * 50m, 0, pallets, null, null, due, stop);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Stops_per_trailer_never_exceed_the_limit_and_no_order_is_lost_or_duplicated(int seed)
    {
        var random = new Random(seed);
        List<LoadableOrder> orders = LoadBuilderTests.GenerateOrders(400, seed, destinationGroups: 2)
            .Select(o => o with { StopId = $"{o.DestinationGroup}-S{random.Next(6)}" }).ToList();

        LoadPlan plan = LoadBuilder.Build(orders, maxStops: 2);

        Assert.All(plan.Loads, l => Assert.InRange(l.Stops.Count, 1, 2));
        List<string> placed = plan.Loads.SelectMany(l => l.Orders).Select(o => o.OrderId).Concat(plan.Unloadable.Select(u => u.Order.OrderId)).ToList();
        Assert.Equal(orders.Select(o => o.OrderId).Order(), placed.Order());
    }

    [Fact]
    public void A_lone_order_waits_while_freight_is_expected_then_ships_when_the_arrival_rate_decays()
    {
        LoadableOrder[] orders = [Order("O1", 4, Now.AddDays(4))];

        OpenLoadReview fresh = OpenLoadReviewer.Review(orders, Now, Now, _ => Truckload, Policy);
        Assert.Empty(fresh.Ship);
        ShipDecision wait = Assert.Single(fresh.Wait).Decision;
        Assert.Equal(Now + Policy.ReviewInterval, fresh.NextReviewAt);
        Assert.True(wait.ExpectedSavingPerHour > wait.HoldingCostPerHour);

        // Nothing else arrived for 20 hours: the expected saving per hour (rate × truckload cost) fell below holding.
        OpenLoadReview later = OpenLoadReviewer.Review(orders, Now, Now.AddHours(20), _ => Truckload, Policy);
        ShipDecision ship = Assert.Single(later.Ship).Decision;
        Assert.StartsWith("waiting costs", ship.Reason);
        Assert.True(ship.HoldingCostPerHour > ship.ExpectedSavingPerHour);
    }

    [Fact]
    public void The_next_review_is_the_cutoff_when_it_comes_before_the_review_interval()
    {
        // Due in 28.25 h, 24 h transit + 4 h dock lead time: cut-off in 15 minutes.
        OpenLoadReview review = OpenLoadReviewer.Review([Order("O1", 4, Now.AddHours(28.25))], Now, Now, _ => Truckload, Policy);

        Assert.Equal(Now.AddMinutes(15), review.NextReviewAt);
    }

    [Fact]
    public void A_full_trailer_ships_and_the_rest_keeps_waiting()
    {
        LoadableOrder[] orders = [.. Enumerable.Range(1, 4).Select(i => Order($"O{i}", 8, Now.AddDays(4)))];

        OpenLoadReview review = OpenLoadReviewer.Review(orders, Now, Now, _ => Truckload, Policy);

        ReviewedLoad full = Assert.Single(review.Ship);
        Assert.Equal(3, full.Load.Orders.Count);
        Assert.Single(Assert.Single(review.Wait).Load.Orders);
    }

    [Fact]
    public void An_order_larger_than_a_trailer_ships_on_its_own_at_once()
    {
        OpenLoadReview review = OpenLoadReviewer.Review([Order("BIG", 30, Now.AddDays(4))], Now, Now, _ => Truckload, Policy);

        Assert.StartsWith("ships on its own", Assert.Single(review.Ship).Decision.Reason);
    }

    [Fact]
    public void Destination_groups_are_country_and_postal_prefix()
    {
        Assert.Equal("US-303", DestinationGroups.For(new Destination("DC-ATL-01", "30336", "us")));
        Assert.Equal("CA-M5V", DestinationGroups.For(new Destination("DC-TOR", "M5V 3L9", "CA")));
    }

    [Fact]
    public void Removing_a_third_of_a_load_is_material_and_a_small_order_is_not()
    {
        string[] stops = ["DC-1", "DC-2"];
        Assert.True(LoadChange.Assess(2, stops, stops, (0.5m, 0.3m, 0.92m), (0.34m, 0.2m, 0.61m)).Material);
        Assert.False(LoadChange.Assess(5, stops, stops, (0.5m, 0.3m, 0.92m), (0.48m, 0.29m, 0.88m)).Material);
        Assert.True(LoadChange.Assess(1, stops, ["DC-1"], (0.5m, 0.3m, 0.92m), (0.48m, 0.29m, 0.88m)).Material);
        Assert.True(LoadChange.Assess(0, stops, [], (0.1m, 0.1m, 0.1m), (0, 0, 0)).Material);
    }
}
