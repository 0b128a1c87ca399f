using MesTms.Domain.Loads;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Tests;

public sealed class WaitOrShipTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    static readonly ConsolidationPolicy Policy = new();

    static BuiltLoad Load(int orders, int pallets, DateTimeOffset due) =>
        LoadBuilder.Build(Enumerable.Range(0, orders).Select(i => new LoadableOrder($"O{i}", "DG", pallets * 1000m, pallets * 50m, 0, pallets, null, null, due))).Loads.Single();

    [Fact]
    public void A_full_enough_load_ships()
    {
        BuiltLoad load = Load(6, 4, Now.AddDays(3)); // 24 of 26 positions
        ShipDecision decision = WaitOrShip.Decide(load, load.Fill(Capacity.DryVan), Now, TimeSpan.FromHours(24), 1500, 0.2m, Policy);

        Assert.True(decision.Ship);
        Assert.StartsWith("full enough", decision.Reason);
    }

    [Fact]
    public void An_urgent_order_ships_at_its_cutoff_without_waiting_for_a_fuller_truck()
    {
        BuiltLoad load = Load(1, 3, Now.AddHours(30)); // 3 positions, due in 30 h, 24 h transit + 4 h lead → cut-off in 2 h
        ShipDecision early = WaitOrShip.Decide(load, load.Fill(Capacity.DryVan), Now, TimeSpan.FromHours(24), 1500, 0.3m, Policy);
        ShipDecision atCutoff = WaitOrShip.Decide(load, load.Fill(Capacity.DryVan), Now.AddHours(2), TimeSpan.FromHours(24), 1500, 0.3m, Policy);

        Assert.False(early.Ship);
        Assert.Equal(Now.AddHours(2), early.ShipByCutoff);
        Assert.True(atCutoff.Ship);
        Assert.StartsWith("ship-by cut-off", atCutoff.Reason);
    }

    [Fact]
    public void A_load_ships_when_waiting_costs_more_than_a_fuller_truck_saves()
    {
        BuiltLoad load = Load(5, 2, Now.AddDays(4)); // 10 positions, plenty of time
        ShipDecision slowLane = WaitOrShip.Decide(load, load.Fill(Capacity.DryVan), Now, TimeSpan.FromHours(24), 1500, 0.02m, Policy);
        ShipDecision busyLane = WaitOrShip.Decide(load, load.Fill(Capacity.DryVan), Now, TimeSpan.FromHours(24), 1500, 0.25m, Policy);

        Assert.True(slowLane.Ship); // 5 × $12/h = $60/h > $1,500 × 0.02 = $30/h
        Assert.Equal(60m, slowLane.HoldingCostPerHour);
        Assert.Equal(30m, slowLane.ExpectedSavingPerHour);
        Assert.False(busyLane.Ship); // $375/h expected saving beats $60/h holding
    }
}
