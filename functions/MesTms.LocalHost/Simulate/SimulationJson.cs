using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MesTms.Simulation.Replay;

namespace MesTms.LocalHost.Simulate;

/// <summary>
/// <c>--json</c>: <c>{"scenario": {...}, "policies": {"eventDriven": M, "batch": M}, "comparison": {...}, "orders": [ledger rows]}</c>,
/// camelCase, minutes as numbers, money in dollars.
/// </summary>
public static class SimulationJson
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    static object? Times(ReplayRun run, SavingsRow row) => run.Orders.FirstOrDefault(o => o.OrderId == row.OrderId && o.PlantId == row.PlantId) is not { } o ? null : new
    {
        o.Status, o.KnownAt, o.FirstActionAt, o.BookedAt, o.FreightReadyAt, o.LoadingStartsAt, o.DepartsAt, o.DeliveredAt, o.RequiredDeliveryBy, o.OnTime,
        o.TruckId, o.Scac, o.DoorId, o.DetentionHours, o.DetentionCost, o.PremiumFreightCost, o.FreightCost,
        arrivesAt = run.Trucks.FirstOrDefault(t => t.TruckId == o.TruckId)?.ArrivesAt,
    };

    public static void Write(SimulationResult result, string path)
    {
        ReplaySettings s = result.Settings;
        var document = new
        {
            scenario = new
            {
                file = Path.GetFileName(result.Scenario.Path),
                events = result.Scenario.Events.Count,
                orders = result.Scenario.Completions,
                refused = result.Scenario.Refused,
                duplicates = result.EventDrivenRun.Duplicates,
                forecasts = result.EventDrivenRun.Forecasts,
                plants = result.Events.Select(e => e.Order.PlantId).Distinct().Order().ToList(),
                from = result.Scenario.Events.Count == 0 ? (DateTimeOffset?)null : result.Scenario.Events[0].At,
                to = result.Scenario.Events.Count == 0 ? (DateTimeOffset?)null : result.Scenario.Events[^1].At,
                seed = s.Seed,
                batchRuns = s.BatchRuns.Select(r => r.ToString("HH:mm", CultureInfo.InvariantCulture)).ToList(),
                consolidate = s.Shipment.Consolidate,
                contracts = s.Contracts.Version,
                detentionFreeHours = s.DetentionFreeTime.TotalHours,
                detentionRatePerHour = s.DetentionRatePerHour,
                carriers = new
                {
                    s.Carriers.AcceptanceRate,
                    answerDelayMinutes = new { min = s.Carriers.AnswerDelayMin.TotalMinutes, max = s.Carriers.AnswerDelayMax.TotalMinutes },
                    arrivalAfterBookingHours = new { min = s.Carriers.ArrivalAfterBookingMin.TotalHours, max = s.Carriers.ArrivalAfterBookingMax.TotalHours },
                },
                replaySeconds = Math.Round(result.Elapsed.TotalSeconds, 2),
            },
            policies = new { eventDriven = result.EventDriven, batch = result.Batch },
            comparison = new
            {
                dockToDepartureReduction = result.DockToDepartureReduction,
                detentionCostAvoided = result.Batch.DetentionCost - result.EventDriven.DetentionCost,
                premiumFreightAvoided = result.Batch.PremiumFreightCost - result.EventDriven.PremiumFreightCost,
                freightSpendDifference = result.Batch.FreightSpend - result.EventDriven.FreightSpend,
                deadZoneHoursAvoided = Math.Round(result.Ledger.Sum(r => r.DeadZoneMinutesAvoided ?? 0) / 60, 1),
            },
            orders = result.Ledger.Select(row => new
            {
                row.PlantId, row.OrderId, row.CompletedAt, row.BatchFirstActionAt, row.EventDrivenFirstActionAt, row.DeadZoneMinutesAvoided,
                row.DockToDepartureMinutesAvoided, row.DetentionCostAvoided, row.PremiumFreightAvoided, row.FreightCostDifference, row.Difference,
                batch = Times(result.BatchRun, row), eventDriven = Times(result.EventDrivenRun, row),
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Json));
    }
}
