using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

public sealed class LoadAggregateTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    static readonly ConsolidationPolicy Policy = new();
    static readonly LoadEconomics Truckload = new(TimeSpan.FromHours(24), 1200m, "test");
    const string OpenId = "open|P100|US-303|DryVan";

    static Shipment Ready(string orderId, int pallets, int round = 0)
    {
        var completed = new ProductionCompleted("P100", "L1", orderId, Now,
            [new HandlingUnit(pallets, 48, 40, 50, "in", 1000, "lb", false)], null, null, new Destination("DC-ATL-01", "30336", "US"), Now.AddDays(4));
        return Shipment.Register(new OrderKey("P100", orderId), completed, "evt-" + orderId, Now, Now, Now)
            .Decide("ready-0", Now, "Ready", "ok", Now, becomes: ShipmentStatus.ReadyToShip) with { ConsolidationRound = round };
    }

    static Load Join(Load? open, Shipment shipment)
    {
        LoadLine line = LoadLine.For(shipment);
        return (open ?? Load.OpenFor(OpenId, shipment, line, Equipment.DryVan, Now)).Join(line, Now, _ => Truckload, Policy);
    }

    [Fact]
    public void Orders_join_the_open_load_once_and_a_full_trailer_closes_in_the_same_change()
    {
        Load one = Join(null, Ready("A", 8));
        Assert.Equal(["A"], one.Orders.Select(o => o.OrderId));
        Assert.Contains(one.Decisions, d => d.Key == "wait|A" && d.Status == LoadStatus.Open);
        Assert.Equal(Now + Policy.ReviewInterval, one.NextReviewAt);

        Load again = Join(one, Ready("A", 8));
        Assert.Same(one, again);

        Load full = Join(Join(one, Ready("B", 8)), Ready("C", 8));
        Load closed = Assert.Single(full.PendingHandOffs);
        Assert.Equal("L-P100-US-303-D00001", closed.Id);
        Assert.Equal(Load.LoadKind, closed.Kind);
        Assert.Equal(["A", "B", "C"], closed.Orders.Select(o => o.OrderId).Order());
        Assert.Equal(24, closed.FloorPositions);
        Assert.Empty(full.Orders);
        Assert.Equal(2, full.NextLoadNumber);

        // A retried join of a member that already left on the closed load adds nothing.
        Assert.Empty(Join(full.HandedOff(closed.Id), Ready("B", 8)).Orders);
        // The same order back after a hold (a new round) is a new member.
        Assert.Equal(["B"], Join(full.HandedOff(closed.Id), Ready("B", 8, round: 1)).Orders.Select(o => o.OrderId));
    }

    [Fact]
    public void An_order_taken_off_a_closed_load_revises_it_when_the_change_is_material()
    {
        Load closed = Assert.Single(Join(Join(Join(null, Ready("A", 8)), Ready("B", 8)), Ready("C", 8)).PendingHandOffs);

        Load without = closed.Remove("C", 0, "quality hold: QH-1", Now.AddHours(1));

        Assert.Equal(1, without.Revision);
        Assert.Equal(16, without.FloorPositions);
        Assert.Equal("C", Assert.Single(without.Removed).OrderId);
        Assert.Contains("material change", without.Decisions[^1].Reason);
        Assert.Same(without, without.Remove("C", 0, "again", Now.AddHours(2)));
    }

    [Fact]
    public void Outcomes_and_cancellation_are_recorded_once()
    {
        Load closed = Assert.Single(Join(Join(Join(null, Ready("A", 8)), Ready("B", 8)), Ready("C", 8)).PendingHandOffs);

        Load booked = closed.RecordOutcome(ShipmentStatus.Booked, "outcome-r0-Booked", "SWFL $1270", Now, Now);
        Assert.Equal(LoadStatus.Booked, booked.Status);
        Assert.Same(booked, booked.RecordOutcome(ShipmentStatus.Booked, "outcome-r0-Booked", "SWFL $1270", Now, Now));

        Load cancelled = booked.Cancel("every order was taken off the load", Now, Now);
        Assert.Equal(LoadStatus.Cancelled, cancelled.Status);
        Assert.Same(cancelled, cancelled.Cancel("again", Now, Now));
    }
}
