namespace MesTms.Domain.Loads;

/// <summary>Tunable rules of real-time consolidation, bound from <c>MesTms:Consolidation</c>.</summary>
public sealed record ConsolidationPolicy
{
    /// <summary>Ship as soon as the binding dimension is this full (0-1).</summary>
    public decimal TargetFill { get; init; } = 0.90m;

    /// <summary>Cost of keeping ready freight waiting, per order per hour (inventory, dock space, service risk).</summary>
    public decimal HoldingCostPerOrderHour { get; init; } = 12m;

    /// <summary>Time from the ship decision to the truck leaving the dock (tendering, loading).</summary>
    public TimeSpan DockLeadTime { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How often a waiting open load is looked at again (the arrival-rate estimate decays as time passes).</summary>
    public TimeSpan ReviewInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The shortest window the freight arrival rate is averaged over (so one order is not read as a flood).</summary>
    public TimeSpan ArrivalWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most delivery stops on one load (multi-stop within a destination group).</summary>
    public int MaxStops { get; init; } = 3;

    /// <summary>Truckload cost assumed when no carrier contract can price the load (planning off or no feasible truckload).</summary>
    public decimal TruckloadCostEstimate { get; init; } = 1500m;

    /// <summary>Transit time assumed when no carrier contract can price the load.</summary>
    public TimeSpan TransitTimeEstimate { get; init; } = TimeSpan.FromHours(24);

    public IReadOnlyList<string> Validate(string section)
    {
        var problems = new List<string>();
        if (TargetFill is <= 0 or > 1)
        {
            problems.Add($"{section}:TargetFill must be above 0 and at most 1");
        }

        if (HoldingCostPerOrderHour < 0 || TruckloadCostEstimate < 0)
        {
            problems.Add($"{section}:HoldingCostPerOrderHour and TruckloadCostEstimate cannot be negative");
        }

        if (DockLeadTime < TimeSpan.Zero || TransitTimeEstimate < TimeSpan.Zero)
        {
            problems.Add($"{section}:DockLeadTime and TransitTimeEstimate cannot be negative");
        }

        if (ReviewInterval < TimeSpan.FromSeconds(1) || ArrivalWindow < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{section}:ReviewInterval and ArrivalWindow must be at least 00:00:01");
        }

        if (MaxStops is < 1 or > 10)
        {
            problems.Add($"{section}:MaxStops must be 1-10");
        }

        return problems;
    }
}

/// <summary>The numbers behind one wait-or-ship decision, kept with the decision.</summary>
public sealed record ShipDecision(
    bool Ship,
    string Reason,
    decimal Fill,
    DateTimeOffset ShipByCutoff,
    decimal HoldingCostPerHour,
    decimal ExpectedSavingPerHour);

/// <summary>
/// Decides whether an open load ships now or waits for more orders. It ships when (in this order):
/// it is full enough (<see cref="ConsolidationPolicy.TargetFill"/>); its most urgent order would otherwise miss its
/// required delivery (cut-off = earliest required delivery − transit time − dock lead time); or waiting costs more
/// per hour than it is expected to save: holding cost = orders × <see cref="ConsolidationPolicy.HoldingCostPerOrderHour"/>,
/// expected saving per hour = (cost of shipping the missing fill separately later) × arrival rate of freight for the
/// lane as a share of a trailer per hour, capped at the missing fill.
/// </summary>
public static class WaitOrShip
{
    public static ShipDecision Decide(
        BuiltLoad load,
        decimal fill,
        DateTimeOffset now,
        TimeSpan transitTime,
        decimal truckloadCost,
        decimal expectedFillPerHour,
        ConsolidationPolicy policy)
    {
        DateTimeOffset cutoff = load.ShipBy - transitTime - policy.DockLeadTime;
        decimal holding = load.Orders.Count * policy.HoldingCostPerOrderHour;
        decimal missing = Math.Max(0, 1 - fill);
        decimal saving = truckloadCost * Math.Min(missing, Math.Max(0, expectedFillPerHour));

        if (fill >= policy.TargetFill)
        {
            return new ShipDecision(true, $"full enough: {fill:P0} of the trailer (target {policy.TargetFill:P0})", fill, cutoff, holding, saving);
        }

        if (now >= cutoff)
        {
            return new ShipDecision(true, $"ship-by cut-off {cutoff:u} reached: the most urgent order is due {load.ShipBy:u} " +
                $"({transitTime.TotalHours:0.#} h transit + {policy.DockLeadTime.TotalHours:0.#} h dock lead time)", fill, cutoff, holding, saving);
        }

        if (holding > saving)
        {
            return new ShipDecision(true, $"waiting costs ${holding:0.00}/h for {load.Orders.Count} order(s), more than the ${saving:0.00}/h a fuller truck is expected to save",
                fill, cutoff, holding, saving);
        }

        return new ShipDecision(false, $"wait: {fill:P0} full, expected saving ${saving:0.00}/h exceeds holding ${holding:0.00}/h, cut-off {cutoff:u}",
            fill, cutoff, holding, saving);
    }
}
