using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Tests;

public sealed class LoadBuilderTests
{
    static readonly DateTimeOffset Due = new(2026, 11, 30, 17, 0, 0, TimeSpan.Zero);

    /// <summary>A reproducible mix like a plant's day: 1-12 pallets per order, some dangerous goods, some chilled.</summary>
    public static List<LoadableOrder> GenerateOrders(int count, int seed, int destinationGroups = 5, bool withHazmat = true, bool withReefer = true)
    {
        var random = new Random(seed);
        string[] classes = ["3", "5.1", "8", "4.3", "2.3", "1.1", "1.4", "9"];
        var orders = new List<LoadableOrder>(count);
        for (int i = 0; i < count; i++)
        {
            int pallets = 1 + random.Next(12);
            int stackable = random.Next(3) == 0 ? pallets : 0;
            string? hazard = withHazmat && random.Next(12) == 0 ? classes[random.Next(classes.Length)] : null;
            TemperatureRange? temperature = withReefer && random.Next(8) == 0 ? (random.Next(2) == 0 ? new(2, 8) : new(-20, -15)) : null;
            orders.Add(new LoadableOrder($"O{i:00000}", $"DG{random.Next(destinationGroups)}", pallets * (700 + random.Next(900)), pallets * (45 + random.Next(25)),
                stackable, pallets - stackable, hazard, temperature, Due.AddHours(random.Next(72))));
        }

        return orders;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_load_respects_every_constraint_and_no_order_is_lost_or_duplicated(int seed)
    {
        List<LoadableOrder> orders = GenerateOrders(600, seed);
        LoadPlan plan = LoadBuilder.Build(orders);

        List<string> placed = plan.Loads.SelectMany(l => l.Orders).Select(o => o.OrderId).Concat(plan.Unloadable.Select(u => u.Order.OrderId)).ToList();
        Assert.Equal(orders.Count, placed.Count);
        Assert.InRange(plan.LowerBound, 1, plan.Loads.Count); // a bound, never above what a feasible plan uses
        Assert.Equal(orders.Select(o => o.OrderId).Order(), placed.Order());

        foreach (BuiltLoad load in plan.Loads)
        {
            Capacity.Limit limit = Capacity.For(load.Equipment);
            Assert.True(load.WeightLb <= limit.WeightLb && load.CubeFt3 <= limit.CubeFt3 && load.FloorPositions <= limit.PalletPositions);
            Assert.Equal(load.Orders.Sum(o => o.WeightLb), load.WeightLb);
            Assert.Single(load.Orders.Select(o => o.DestinationGroup).Distinct());
            foreach (LoadableOrder a in load.Orders)
            {
                foreach (LoadableOrder b in load.Orders.Where(b => b != a))
                {
                    Assert.True(HazmatSegregation.Compatible(a.HazardClass, b.HazardClass), $"{a.HazardClass} with {b.HazardClass} in one trailer");
                }
            }

            bool reefer = load.Equipment == Equipment.Reefer;
            Assert.All(load.Orders, o => Assert.Equal(reefer, o.Temperature is not null));
            if (reefer)
            {
                decimal min = load.Orders.Max(o => o.Temperature!.MinCelsius), max = load.Orders.Min(o => o.Temperature!.MaxCelsius);
                Assert.True(min <= max, "reefer orders without a common temperature share a trailer");
            }

            Assert.Equal(load.Orders.Min(o => o.RequiredDeliveryBy), load.ShipBy);
        }
    }

    [Fact]
    public void Trucks_used_stay_within_3_percent_of_the_lower_bound_and_fill_above_90_percent()
    {
        List<LoadableOrder> orders = GenerateOrders(2_000, 11, destinationGroups: 4, withHazmat: false, withReefer: false);
        LoadPlan plan = LoadBuilder.Build(orders);

        Assert.True(plan.Loads.Count <= Math.Ceiling(plan.LowerBound * 1.03m), $"{plan.Loads.Count} trucks vs lower bound {plan.LowerBound}");
        decimal fill = plan.Loads.Average(l => l.Fill(Capacity.DryVan));
        Assert.True(fill >= 0.90m, $"average fill {fill:P1}");
    }

    [Fact]
    public void Incompatible_dangerous_goods_never_share_a_trailer()
    {
        LoadableOrder Order(string id, string? hazard) => new(id, "DG", 1_000, 50, 0, 1, hazard, null, Due);
        LoadPlan plan = LoadBuilder.Build([Order("A", "3"), Order("B", "5.1"), Order("C", "1.1"), Order("D", "9"), Order("E", "1.4")]);

        Assert.DoesNotContain(plan.Loads, l => l.Orders.Any(o => o.HazardClass == "3") && l.Orders.Any(o => o.HazardClass == "5.1"));
        Assert.Single(plan.Loads.Single(l => l.Orders.Any(o => o.HazardClass == "1.1")).Orders);
        Assert.Equal(3, plan.Loads.Count);
    }

    [Fact]
    public void An_order_larger_than_a_trailer_is_reported_not_dropped()
    {
        var huge = new LoadableOrder("BIG", "DG", 60_000, 500, 0, 20, null, null, Due);
        LoadPlan plan = LoadBuilder.Build([huge]);

        Assert.Empty(plan.Loads);
        Assert.Contains("split the order", Assert.Single(plan.Unloadable).Reason);
    }

    [Fact]
    public void The_plan_is_deterministic()
    {
        List<LoadableOrder> orders = GenerateOrders(300, 5);
        string Describe(LoadPlan p) => string.Join("|", p.Loads.Select(l => string.Join(",", l.Orders.Select(o => o.OrderId))));

        Assert.Equal(Describe(LoadBuilder.Build(orders)), Describe(LoadBuilder.Build(Enumerable.Reverse(orders))));
    }

    [Fact]
    public void Stackable_units_share_floor_positions()
    {
        var stackable = new LoadableOrder("S", "DG", 10_000, 600, 30, 0, null, null, Due);
        Assert.Equal(15, stackable.FloorPositions);
        Assert.Single(LoadBuilder.Build([stackable]).Loads);
    }

    [Theory]
    [InlineData(new[] { 6.0, 6.0, 6.0 }, 2, 3)] // no two fit together
    [InlineData(new[] { 8.0, 8.0, 4.0, 4.0, 4.0 }, 3, 4)] // the 4s cannot join the 8s
    [InlineData(new[] { 5.0, 5.0, 5.0, 5.0 }, 2, 2)] // exactly half pairs up
    [InlineData(new double[0], 0, 0)]
    public void The_L2_bound_counts_what_cannot_share_a_trailer(double[] sizes, int l1, int l2)
    {
        List<decimal> items = sizes.Select(x => (decimal)x).ToList();
        Assert.Equal(l1, BinPackingBound.L1(items, 10));
        Assert.Equal(l2, BinPackingBound.L2(items, 10));
    }

    [Fact]
    public void Three_orders_over_half_a_trailer_each_need_three_trailers_and_the_bound_says_so()
    {
        List<LoadableOrder> orders = [.. Enumerable.Range(1, 3).Select(i => new LoadableOrder($"BIG{i}", "DG", 14 * 800, 14 * 50, 0, 14, null, null, Due))];
        LoadPlan plan = LoadBuilder.Build(orders);

        Assert.Equal(3, plan.Loads.Count);
        Assert.Equal(3, plan.LowerBound); // the continuous bound would say 2 (42 of 52 positions)
    }

    [Fact]
    public void The_L2_bound_is_never_below_the_continuous_bound_nor_above_a_feasible_packing()
    {
        var random = new Random(17);
        for (int round = 0; round < 200; round++)
        {
            List<decimal> sizes = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (decimal)random.Next(1, 101)).ToList();
            int firstFit = FirstFitDecreasing(sizes, 100);
            int l2 = BinPackingBound.L2(sizes, 100);
            Assert.InRange(l2, BinPackingBound.L1(sizes, 100), firstFit);
        }
    }

    static int FirstFitDecreasing(List<decimal> sizes, decimal capacity)
    {
        var bins = new List<decimal>();
        foreach (decimal size in sizes.OrderDescending())
        {
            int at = bins.FindIndex(used => used + size <= capacity);
            if (at < 0)
            {
                bins.Add(size);
            }
            else
            {
                bins[at] += size;
            }
        }

        return bins.Count;
    }
}
