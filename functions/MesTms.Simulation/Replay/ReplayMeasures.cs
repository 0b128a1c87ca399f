using MesTms.Domain;
using MesTms.Domain.Shipments;

namespace MesTms.Simulation.Replay;

/// <summary>Median and 95th percentile (nearest rank); null when nothing was measured.</summary>
public sealed record Percentiles(double? P50, double? P95)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return new Percentiles(Percentile(sorted, 50), Percentile(sorted, 95));
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="p"/> % of the values at or below it.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)], 1);
}

/// <summary>Mean and 95th percentile (nearest rank).</summary>
public sealed record MeanAndP95(double? Mean, double? P95)
{
    public static MeanAndP95 Of(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return new MeanAndP95(sorted.Length == 0 ? null : Math.Round(sorted.Average(), 1), Percentiles.Percentile(sorted, 95));
    }
}

/// <summary>
/// What one policy achieved over the scenario. <see cref="BookedWithoutDoor"/> counts booked orders the dock could not
/// give a door within <see cref="ReplaySettings.DockDaysAhead"/> days: they never leave, so the dock measures leave them out.
/// </summary>
public sealed record PolicyMeasures(
    int Orders,
    int Booked,
    int BookedWithoutDoor,
    int Exhausted,
    int OnHold,
    Percentiles CompletionToFirstActionMinutes,
    Percentiles CompletionToBookedMinutes,
    MeanAndP95 DockToDepartureMinutes,
    MeanAndP95 DockDwellMinutes,
    decimal DetentionHours,
    decimal DetentionCost,
    int PremiumFreightOrders,
    decimal PremiumFreightCost,
    int Trucks,
    decimal AverageFill,
    decimal FreightSpend,
    double? OnTimeRate,
    int PeakStagingPallets,
    int Escalations)
{
    /// <summary>Detention, premium freight and freight spend together: what the day cost in transport.</summary>
    public decimal TotalCost => FreightSpend + DetentionCost;

    public static PolicyMeasures Of(ReplayRun run)
    {
        IReadOnlyList<OrderOutcome> orders = run.Orders;
        List<OrderOutcome> delivered = orders.Where(o => o.OnTime is not null).ToList();
        return new PolicyMeasures(
            orders.Count,
            orders.Count(o => o.Status == ShipmentStatus.Booked),
            orders.Count(o => o.Status == ShipmentStatus.Booked && o.DoorId is null),
            orders.Count(o => o.Status == ShipmentStatus.TenderExhausted),
            orders.Count(o => o.Status == ShipmentStatus.OnQualityHold),
            Percentiles.Of(orders.Select(o => o.FirstActionMinutes).OfType<double>()),
            Percentiles.Of(orders.Select(o => o.BookedMinutes).OfType<double>()),
            MeanAndP95.Of(orders.Select(o => o.DockToDepartureMinutes).OfType<double>()),
            MeanAndP95.Of(orders.Select(o => o.DockDwellMinutes).OfType<double>()),
            run.Trucks.Sum(t => t.DetentionHours),
            run.Trucks.Sum(t => t.DetentionCost),
            orders.Count(o => o.Premium),
            run.Trucks.Sum(t => t.PremiumCost),
            run.Trucks.Count,
            run.Trucks.Count == 0 ? 0 : decimal.Round(run.Trucks.Average(t => t.Fill), 4),
            run.Trucks.Sum(t => t.Price),
            delivered.Count == 0 ? null : Math.Round(delivered.Count(o => o.OnTime == true) / (double)delivered.Count, 4),
            run.PeakStagingPallets,
            run.Escalations);
    }
}

/// <summary>One order's savings from event-driven booking over batch planning, and the decision that made the difference.</summary>
public sealed record SavingsRow(
    string PlantId,
    string OrderId,
    DateTimeOffset CompletedAt,
    DateTimeOffset? BatchFirstActionAt,
    DateTimeOffset? EventDrivenFirstActionAt,
    double? DeadZoneMinutesAvoided,
    double? DockToDepartureMinutesAvoided,
    decimal DetentionCostAvoided,
    decimal PremiumFreightAvoided,
    decimal FreightCostDifference,
    string Difference)
{
    /// <summary>Pairs each order's outcomes under both policies (same order ids: the same scenario).</summary>
    public static IReadOnlyList<SavingsRow> Compare(ReplayRun batch, ReplayRun eventDriven)
    {
        Dictionary<(string, string), OrderOutcome> batched = batch.Orders.ToDictionary(o => (o.PlantId, o.OrderId));
        var rows = new List<SavingsRow>();
        foreach (OrderOutcome live in eventDriven.Orders)
        {
            if (!batched.TryGetValue((live.PlantId, live.OrderId), out OrderOutcome? late))
            {
                continue;
            }

            rows.Add(new SavingsRow(live.PlantId, live.OrderId, live.CompletedAt, late.FirstActionAt, live.FirstActionAt,
                Minus(late.FirstActionMinutes, live.FirstActionMinutes), Minus(late.DockToDepartureMinutes, live.DockToDepartureMinutes),
                late.DetentionCost - live.DetentionCost, late.PremiumFreightCost - live.PremiumFreightCost, late.FreightCost - live.FreightCost,
                Explain(late, live)));
        }

        return rows;
    }

    static double? Minus(double? a, double? b) => a is { } x && b is { } y ? Math.Round(x - y, 1) : null;

    static string Explain(OrderOutcome batch, OrderOutcome live)
    {
        ShipmentDecision? decided = live.Decisions.LastOrDefault(d => d.Key.StartsWith("booked-", StringComparison.Ordinal))
            ?? live.Decisions.LastOrDefault();
        string acted = live.FirstActionAt is { } at
            ? $"planned at {at:HH:mm} instead of {(batch.FirstActionAt is { } b ? $"the {b:ddd HH:mm} run" : "never")}"
            : "not planned (on hold)";
        string consequence = batch.Premium && !live.Premium
            ? "; batch missed the ship-by and paid to expedite"
            : batch.OnTime == false && live.OnTime == true
            ? "; batch delivered late"
            : batch.DetentionCost > live.DetentionCost
            ? $"; batch trucks waited at the door (${batch.DetentionCost - live.DetentionCost:0} detention)"
            : "";
        return decided is null ? acted + consequence : $"{acted}{consequence}. {decided.Decision}: {decided.Reason}";
    }
}
