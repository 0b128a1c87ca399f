using System.Globalization;
using System.Net;
using System.Text;
using MesTms.Domain.Docks;
using MesTms.Simulation.Replay;

namespace MesTms.LocalHost.Simulate;

/// <summary>
/// <c>--report</c>: one self-contained HTML file (inline CSS and SVG, nothing fetched when it is opened) with the measures
/// side by side, the distribution of the completion → first action gap under both policies, a door timeline per policy for
/// the busiest dock day, a cost waterfall from batch to event-driven, and the orders that gained most.
/// </summary>
public static class SimulationReport
{
    const string BatchColour = "#8c6bb1";
    const string LiveColour = "#2b8cbe";

    static readonly (string Label, double UpTo)[] GapBins =
    [
        ("< 1 min", 1), ("1–15 min", 15), ("15–60 min", 60), ("1–2 h", 120), ("2–4 h", 240), ("4–8 h", 480), ("8–16 h", 960), ("≥ 16 h", double.MaxValue),
    ];

    public static void Write(SimulationResult result, string path) => File.WriteAllText(path, Render(result), Encoding.UTF8);

    public static string Render(SimulationResult result)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Plant-day replay</title>
            <style>
            body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
            h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
            table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:.3rem .5rem;border-bottom:1px solid #eee;text-align:right}
            th:first-child,td:first-child{text-align:left}td.reason{text-align:left;font-size:.8rem;color:#444}
            .lede{font-size:1.05rem;background:#f3f8fb;border-left:4px solid #2b8cbe;padding:.6rem .9rem}
            .legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem -.1rem 1rem;border-radius:2px}
            svg{max-width:100%;height:auto;font-family:inherit}svg text{font-size:11px;fill:#333}
            </style></head><body>
            """);
        PolicyMeasures b = result.Batch, e = result.EventDriven;
        html.Append($"<h1>Plant-day replay: {Encode(Path.GetFileName(result.Scenario.Path))}</h1>");
        html.Append($"<p>{result.Scenario.Completions} orders, {result.Scenario.Events.Count} MES events ({result.Scenario.Refused.Count} refused), " +
            $"seed {result.Settings.Seed}; batch planning runs at {Encode(string.Join(", ", result.Settings.BatchRuns.Select(r => r.ToString("HH:mm", CultureInfo.InvariantCulture))))}; " +
            $"consolidation {(result.Settings.Shipment.Consolidate ? "on" : "off")}; detention after {result.Settings.DetentionFreeTime.TotalHours:0.#} h at ${result.Settings.DetentionRatePerHour:0}/h.</p>");
        if (result.DockToDepartureReduction is { } reduction)
        {
            html.Append($"<p class=\"lede\">Event-driven booking cuts freight-ready → departure by <strong>{reduction:P0}</strong> " +
                $"(mean {Number(b.DockToDepartureMinutes.Mean)} → {Number(e.DockToDepartureMinutes.Mean)} min) and the completion → first action p95 from " +
                $"{Number(b.CompletionToFirstActionMinutes.P95)} to {Number(e.CompletionToFirstActionMinutes.P95)} min; " +
                $"detention ${b.DetentionCost:#,0} → ${e.DetentionCost:#,0}, premium freight ${b.PremiumFreightCost:#,0} → ${e.PremiumFreightCost:#,0}.</p>");
        }

        html.Append("<h2>Measures</h2>").Append(MeasuresTable(b, e));
        html.Append("<h2>Completion → first transport action</h2><p class=\"legend\">Orders by the time from completion to the first rate shop or load review:" +
            $"<span style=\"background:{BatchColour}\"></span>batch<span style=\"background:{LiveColour}\"></span>event-driven</p>");
        html.Append(GapChart(result));
        html.Append("<h2>Cost waterfall: batch → event-driven</h2>").Append(Waterfall(b, e));
        foreach ((string name, ReplayRun run) in new[] { ("Batch", result.BatchRun), ("Event-driven", result.EventDrivenRun) })
        {
            html.Append($"<h2>Door timeline — {name}</h2>").Append(DoorTimeline(result, run));
        }

        html.Append("<h2>Orders that gained most</h2>").Append(LedgerTable(result.Ledger));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    static string MeasuresTable(PolicyMeasures b, PolicyMeasures e)
    {
        var rows = new (string Name, string Batch, string Live)[]
        {
            ("Completion → first action p50 / p95 (min)", $"{Number(b.CompletionToFirstActionMinutes.P50)} / {Number(b.CompletionToFirstActionMinutes.P95)}", $"{Number(e.CompletionToFirstActionMinutes.P50)} / {Number(e.CompletionToFirstActionMinutes.P95)}"),
            ("Completion → booked p50 / p95 (min)", $"{Number(b.CompletionToBookedMinutes.P50)} / {Number(b.CompletionToBookedMinutes.P95)}", $"{Number(e.CompletionToBookedMinutes.P50)} / {Number(e.CompletionToBookedMinutes.P95)}"),
            ("Freight ready → departure mean / p95 (min)", $"{Number(b.DockToDepartureMinutes.Mean)} / {Number(b.DockToDepartureMinutes.P95)}", $"{Number(e.DockToDepartureMinutes.Mean)} / {Number(e.DockToDepartureMinutes.P95)}"),
            ("Dock dwell mean / p95 (min)", $"{Number(b.DockDwellMinutes.Mean)} / {Number(b.DockDwellMinutes.P95)}", $"{Number(e.DockDwellMinutes.Mean)} / {Number(e.DockDwellMinutes.P95)}"),
            ("Detention (h / $)", $"{b.DetentionHours:0.#} / ${b.DetentionCost:#,0}", $"{e.DetentionHours:0.#} / ${e.DetentionCost:#,0}"),
            ("Premium freight (orders / $)", $"{b.PremiumFreightOrders} / ${b.PremiumFreightCost:#,0}", $"{e.PremiumFreightOrders} / ${e.PremiumFreightCost:#,0}"),
            ("Trucks / average fill", $"{b.Trucks} / {b.AverageFill:P0}", $"{e.Trucks} / {e.AverageFill:P0}"),
            ("Freight spend", $"${b.FreightSpend:#,0}", $"${e.FreightSpend:#,0}"),
            ("On-time delivery", b.OnTimeRate is { } bo ? $"{bo:P1}" : "—", e.OnTimeRate is { } eo ? $"{eo:P1}" : "—"),
            ("Peak staging (pallets)", $"{b.PeakStagingPallets}", $"{e.PeakStagingPallets}"),
            ("Booked (without a door) / exhausted / on hold / other", SimulationTable.Outcomes(b), SimulationTable.Outcomes(e)),
        };
        var table = new StringBuilder("<table><thead><tr><th>Measure</th><th>Batch</th><th>Event-driven</th></tr></thead><tbody>");
        foreach ((string name, string batch, string live) in rows)
        {
            table.Append($"<tr><td>{Encode(name)}</td><td>{Encode(batch)}</td><td>{Encode(live)}</td></tr>");
        }

        return table.Append("</tbody></table>").ToString();
    }

    static string GapChart(SimulationResult result)
    {
        int[] Count(ReplayRun run)
        {
            int[] counts = new int[GapBins.Length];
            foreach (double gap in run.Orders.Select(o => o.FirstActionMinutes).OfType<double>())
            {
                counts[Array.FindIndex(GapBins, bin => gap < bin.UpTo)]++;
            }

            return counts;
        }

        int[] batch = Count(result.BatchRun), live = Count(result.EventDrivenRun);
        int max = Math.Max(1, batch.Concat(live).Max());
        const int width = 900, height = 260, left = 40, bottom = 40, top = 10;
        double slot = (width - left) / (double)GapBins.Length, bar = slot * 0.36;
        var svg = new StringBuilder($"<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Distribution of the completion to first action gap\">");
        svg.Append($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width}\" y2=\"{height - bottom}\" stroke=\"#999\"/>");
        for (int i = 0; i < GapBins.Length; i++)
        {
            double x = left + (i * slot) + (slot * 0.12);
            foreach ((int[] counts, string colour, double offset, string name) in new[] { (batch, BatchColour, 0d, "batch"), (live, LiveColour, bar, "event-driven") })
            {
                double h = (height - bottom - top) * counts[i] / (double)max;
                svg.Append(Invariant($"<rect x=\"{x + offset:0.#}\" y=\"{height - bottom - h:0.#}\" width=\"{bar:0.#}\" height=\"{h:0.#}\" fill=\"{colour}\"><title>{name}, {GapBins[i].Label}: {counts[i]} orders</title></rect>"));
                if (counts[i] > 0)
                {
                    svg.Append(Invariant($"<text x=\"{x + offset + (bar / 2):0.#}\" y=\"{height - bottom - h - 3:0.#}\" text-anchor=\"middle\">{counts[i]}</text>"));
                }
            }

            svg.Append(Invariant($"<text x=\"{x + bar:0.#}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{Encode(GapBins[i].Label)}</text>"));
        }

        return svg.Append("</svg>").ToString();
    }

    static string Waterfall(PolicyMeasures b, PolicyMeasures e)
    {
        decimal batchTotal = b.FreightSpend + b.DetentionCost, liveTotal = e.FreightSpend + e.DetentionCost;
        decimal detention = e.DetentionCost - b.DetentionCost, premium = e.PremiumFreightCost - b.PremiumFreightCost;
        decimal otherFreight = (e.FreightSpend - e.PremiumFreightCost) - (b.FreightSpend - b.PremiumFreightCost);
        var steps = new (string Label, decimal From, decimal To, bool Total)[]
        {
            ("Batch total", 0, batchTotal, true),
            ("Detention", batchTotal, batchTotal + detention, false),
            ("Premium freight", batchTotal + detention, batchTotal + detention + premium, false),
            ("Other freight", batchTotal + detention + premium, liveTotal, false),
            ("Event-driven total", 0, liveTotal, true),
        };
        decimal max = Math.Max(1, steps.Max(s => Math.Max(s.From, s.To)));
        // The axis starts just below the smaller total, so steps of a few percent stay visible (the totals are labelled).
        decimal min = Math.Max(0, Math.Floor(Math.Min(batchTotal, liveTotal) * 0.9m / 1000) * 1000);
        steps = steps.Select(s => s.Total ? s with { From = min } : s).ToArray();
        const int width = 900, height = 280, left = 70, bottom = 40, top = 20;
        double slot = (width - left) / (double)steps.Length;
        double Y(decimal v) => top + ((double)((max - v) / (max - min)) * (height - bottom - top));
        var svg = new StringBuilder($"<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Cost waterfall from batch to event-driven\">");
        svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{Y(min):0.#}\" x2=\"{width}\" y2=\"{Y(min):0.#}\" stroke=\"#999\"/>"));
        svg.Append(Invariant($"<text x=\"{left - 6}\" y=\"{Y(min) + 4:0.#}\" text-anchor=\"end\">{Money(min)}</text><text x=\"{left - 6}\" y=\"{Y(max) + 4:0.#}\" text-anchor=\"end\">{Money(max)}</text>"));
        for (int i = 0; i < steps.Length; i++)
        {
            (string label, decimal from, decimal to, bool total) = steps[i];
            double x = left + (i * slot) + (slot * 0.2), w = slot * 0.6;
            double y1 = Y(Math.Max(from, to)), y2 = Y(Math.Min(from, to));
            string colour = total ? "#555" : to <= from ? "#41ab5d" : "#d7301f";
            decimal amount = total ? to : to - from;
            svg.Append(Invariant($"<rect x=\"{x:0.#}\" y=\"{y1:0.#}\" width=\"{w:0.#}\" height=\"{Math.Max(1, y2 - y1):0.#}\" fill=\"{colour}\"><title>{Encode(label)}: {Money(amount)}</title></rect>"));
            svg.Append(Invariant($"<text x=\"{x + (w / 2):0.#}\" y=\"{y1 - 4:0.#}\" text-anchor=\"middle\">{Encode(total ? Money(amount) : (amount <= 0 ? "−" : "+") + Money(Math.Abs(amount)))}</text>"));
            svg.Append(Invariant($"<text x=\"{x + (w / 2):0.#}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{Encode(label)}</text>"));
        }

        return svg.Append($"</svg><p>Freight spend plus detention. Green steps are what event-driven booking saves; red, what it costs more. The axis starts at {Money(min)}.</p>").ToString();
    }

    static string DoorTimeline(SimulationResult result, ReplayRun run)
    {
        List<TruckOutcome> booked = run.Trucks.Where(t => t.Appointment is not null).ToList();
        if (booked.Count == 0)
        {
            return "<p>No door appointments.</p>";
        }

        // The busiest dock day of the busiest plant under this policy.
        var (plant, day) = booked.GroupBy(t => (t.PlantId, t.Appointment!.Day)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Day).First().Key;
        PlantDockModel model = result.Settings.Docks.Single(d => d.PlantId == plant);
        List<TruckOutcome> today = booked.Where(t => t.PlantId == plant && t.Appointment!.Day == day).ToList();
        DateTimeOffset opens = model.OpensOn(day), closes = model.ClosesOn(day);
        const int width = 900, left = 60, row = 24, top = 24;
        int height = top + (model.Doors.Count * row) + 30;
        double span = (closes - opens).TotalMinutes;
        double X(DateTimeOffset at) => left + ((width - left - 10) * Math.Clamp((at - opens).TotalMinutes / span, 0, 1));
        var svg = new StringBuilder($"<p>{Encode(plant)}, {day:dddd d MMMM yyyy}: {today.Count} trucks at {model.Doors.Count} doors " +
            $"(the plant's busiest day under this policy; red bars paid detention).</p>");
        svg.Append($"<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Door timeline\">");
        for (DateTimeOffset hour = opens; hour <= closes; hour = hour.AddHours(2))
        {
            svg.Append(Invariant($"<line x1=\"{X(hour):0.#}\" y1=\"{top - 6}\" x2=\"{X(hour):0.#}\" y2=\"{height - 30}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text x=\"{X(hour):0.#}\" y=\"{top - 10}\" text-anchor=\"middle\">{hour:HH:mm}</text>"));
        }

        for (int d = 0; d < model.Doors.Count; d++)
        {
            DockDoor door = model.Doors[d];
            double y = top + (d * row);
            svg.Append(Invariant($"<text x=\"4\" y=\"{y + 15:0.#}\">{Encode(door.DoorId)}</text>"));
            foreach (TruckOutcome truck in today.Where(t => t.Appointment!.DoorId == door.DoorId))
            {
                DockAppointment a = truck.Appointment!;
                double x1 = X(a.Start), x2 = X(a.End);
                string colour = truck.DetentionCost > 0 ? "#d7301f" : run.Policy == PlanningPolicy.Batch ? BatchColour : LiveColour;
                string title = $"{truck.TruckId}: {truck.Scac}, {truck.OrderIds.Count} order(s), {truck.Fill:P0} full; on site {truck.ArrivesAt:HH:mm}, door {a.Start:HH:mm}-{a.End:HH:mm}" +
                    (truck.DetentionCost > 0 ? $", detention {truck.DetentionHours:0.#} h" : "");
                svg.Append(Invariant($"<rect x=\"{x1:0.#}\" y=\"{y + 3:0.#}\" width=\"{Math.Max(2, x2 - x1 - 1):0.#}\" height=\"{row - 6}\" rx=\"3\" fill=\"{colour}\"><title>{Encode(title)}</title></rect>"));
            }
        }

        return svg.Append("</svg>").ToString();
    }

    static string LedgerTable(IReadOnlyList<SavingsRow> ledger)
    {
        var table = new StringBuilder("<table><thead><tr><th>Order</th><th>Completed</th><th>Dead zone avoided (min)</th><th>Dock-to-departure avoided (min)</th>" +
            "<th>Detention avoided</th><th>Premium avoided</th><th>What made the difference</th></tr></thead><tbody>");
        foreach (SavingsRow r in ledger.OrderByDescending(r => r.DockToDepartureMinutesAvoided ?? 0).Take(25))
        {
            table.Append($"<tr><td>{Encode(r.OrderId)}</td><td>{r.CompletedAt:ddd HH:mm}</td><td>{Number(r.DeadZoneMinutesAvoided)}</td><td>{Number(r.DockToDepartureMinutesAvoided)}</td>" +
                $"<td>{Money(r.DetentionCostAvoided)}</td><td>{Money(r.PremiumFreightAvoided)}</td><td class=\"reason\">{Encode(r.Difference)}</td></tr>");
        }

        return table.Append($"</tbody></table><p>The 25 orders whose freight left the dock soonest against batch, of {ledger.Count}; every order is in the JSON (--json).</p>").ToString();
    }

    static string Number(double? value) => value is { } v ? v.ToString("#,0.#", CultureInfo.InvariantCulture) : "—";

    static string Money(decimal value) => value.ToString("$#,0;-$#,0;$0", CultureInfo.InvariantCulture);

    static string Encode(string text) => WebUtility.HtmlEncode(text);

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
