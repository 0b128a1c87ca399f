using System.Globalization;
using MesTms.Simulation.Replay;
using Spectre.Console;

namespace MesTms.LocalHost.Simulate;

/// <summary>The two policies side by side in the terminal.</summary>
public static class SimulationTable
{
    public static void Write(SimulationResult result, IAnsiConsole console)
    {
        PolicyMeasures b = result.Batch, e = result.EventDriven;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Plant-day replay: {result.Scenario.Completions} orders, {result.Scenario.Events.Count} events, seed {result.Settings.Seed}, " +
                $"batch runs {string.Join(",", result.Settings.BatchRuns.Select(r => r.ToString("HH:mm", CultureInfo.InvariantCulture)))}")
            .AddColumn("Measure").AddColumn(new TableColumn("Batch").RightAligned()).AddColumn(new TableColumn("Event-driven").RightAligned())
            .AddColumn(new TableColumn("Change").RightAligned());
        Row(table, "completion → first action p50 (min)", b.CompletionToFirstActionMinutes.P50, e.CompletionToFirstActionMinutes.P50);
        Row(table, "completion → first action p95 (min)", b.CompletionToFirstActionMinutes.P95, e.CompletionToFirstActionMinutes.P95);
        Row(table, "completion → booked p50 (min)", b.CompletionToBookedMinutes.P50, e.CompletionToBookedMinutes.P50);
        Row(table, "completion → booked p95 (min)", b.CompletionToBookedMinutes.P95, e.CompletionToBookedMinutes.P95);
        Row(table, "dock-to-departure mean (min)", b.DockToDepartureMinutes.Mean, e.DockToDepartureMinutes.Mean);
        Row(table, "dock-to-departure p95 (min)", b.DockToDepartureMinutes.P95, e.DockToDepartureMinutes.P95);
        Row(table, "dock dwell mean (min)", b.DockDwellMinutes.Mean, e.DockDwellMinutes.Mean);
        Row(table, "detention (h)", (double)b.DetentionHours, (double)e.DetentionHours);
        Row(table, "detention cost ($)", (double)b.DetentionCost, (double)e.DetentionCost);
        Row(table, "premium freight orders", b.PremiumFreightOrders, e.PremiumFreightOrders);
        Row(table, "premium freight cost ($)", (double)b.PremiumFreightCost, (double)e.PremiumFreightCost);
        Row(table, "trucks", b.Trucks, e.Trucks);
        Row(table, "average fill (%)", (double)b.AverageFill * 100, (double)e.AverageFill * 100);
        Row(table, "freight spend ($)", (double)b.FreightSpend, (double)e.FreightSpend);
        Row(table, "on-time delivery (%)", b.OnTimeRate * 100, e.OnTimeRate * 100);
        Row(table, "peak staging (pallets)", b.PeakStagingPallets, e.PeakStagingPallets);
        Row(table, "booked (no door) / exhausted / on hold / other", Outcomes(b), Outcomes(e));
        console.Write(table);
        console.WriteLine(result.DockToDepartureReduction is { } r
            ? $"Event-driven booking cuts dock-to-departure by {r:P0} on this day (replayed in {result.Elapsed.TotalSeconds:0.0} s)."
            : $"Replayed in {result.Elapsed.TotalSeconds:0.0} s.");
    }

    static void Row(Table table, string name, double? batch, double? eventDriven)
    {
        string change = batch is { } b && eventDriven is { } e
            ? b == 0 ? (e == 0 ? "—" : $"+{e:0.#}") : $"{(e - b) / b:+0%;-0%;0%}"
            : "";
        table.AddRow(name, Format(batch), Format(eventDriven), change);
    }

    /// <summary>Every order once: booked (of them without a door), exhausted, on hold, and the rest (still waiting).</summary>
    public static string Outcomes(PolicyMeasures m) =>
        $"{m.Booked} ({m.BookedWithoutDoor}) / {m.Exhausted} / {m.OnHold} / {m.Orders - m.Booked - m.Exhausted - m.OnHold}";

    static void Row(Table table, string name, string batch, string eventDriven) => table.AddRow(name, batch, eventDriven, "");

    static string Format(double? value) => value switch
    {
        null => "—",
        { } v when Math.Abs(v) >= 1000 => v.ToString("#,0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.#", CultureInfo.InvariantCulture),
    };
}
