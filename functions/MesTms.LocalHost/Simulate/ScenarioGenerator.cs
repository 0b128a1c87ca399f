using System.Text.Json;
using System.Text.Json.Nodes;
using MesTms.Domain.Events;
using MesTms.Simulation.Replay;

namespace MesTms.LocalHost.Simulate;

/// <summary>
/// Writes a realistic plant day as MES CloudEvents (the public contract): plant P100 with three lines running 06:00-22:00,
/// orders of 1-10 pallets (mostly dry, about one in eight reefer, one in twelve hazmat) for a shared Atlanta DC and six other
/// destinations, due in 2-5 days; a forecast (<c>production.scheduled</c>) before most completions, some finishing early or
/// late against it; and about one order in twenty-five put on quality hold, most released a few hours later. Deterministic
/// for a seed.
/// </summary>
public static class ScenarioGenerator
{
    static readonly (string Location, string Postal, int Weight)[] Destinations =
    [
        ("DC-ATL", "30336", 30), ("DC-NYC", "10001", 12), ("DC-PHL", "19103", 12), ("DC-BAL", "21201", 10),
        ("DC-CLT", "28202", 12), ("DC-CMH", "43215", 12), ("DC-CHI", "60601", 12),
    ];

    static readonly string[] Lines = ["L1", "L2", "L3"];

    /// <summary>The next Tuesday after today: a working day with working days after it.</summary>
    public static DateOnly NextTuesday(TimeProvider clock)
    {
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        int days = ((int)DayOfWeek.Tuesday - (int)today.DayOfWeek + 7) % 7;
        return today.AddDays(days == 0 ? 7 : days);
    }

    /// <returns>How many events were written.</returns>
    public static int Write(string path, int orders, int seed, DateOnly day)
    {
        List<JsonObject> events = Generate(orders, seed, day);
        using FileStream file = File.Create(path);
        using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = false });
        writer.WriteStartArray();
        foreach (JsonObject e in events)
        {
            e.WriteTo(writer);
            writer.Flush();
            file.WriteByte((byte)'\n');
        }

        writer.WriteEndArray();
        return events.Count;
    }

    public static List<JsonObject> Generate(int orders, int seed, DateOnly day)
    {
        var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero);
        TimeSpan shift = TimeSpan.FromHours(16);
        var events = new List<(DateTimeOffset At, JsonObject Event)>();
        int totalWeight = Destinations.Sum(d => d.Weight);
        for (int i = 0; i < orders; i++)
        {
            string order = $"PO-{day:yyMMdd}-{i + 1:0000}";
            double Draw(string what) => SeededDraw.Draw(seed, $"{order}|{what}");
            string line = Lines[i % Lines.Length];
            DateTimeOffset completed = start + TimeSpan.FromTicks((long)(shift.Ticks * ((i + Draw("jitter")) / orders)));
            completed = new DateTimeOffset(completed.Ticks - (completed.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            (string location, string postal, _) = Pick(Draw("destination") * totalWeight);
            int pallets = 1 + (int)(Draw("pallets") * 10);
            bool reefer = Draw("reefer") < 0.125;
            bool hazmat = !reefer && Draw("hazmat") < 0.08;
            int dueDays = 2 + (int)(Draw("due") * 4);
            DateTimeOffset due = new(DateOnly.FromDateTime(completed.UtcDateTime).AddDays(dueDays).ToDateTime(new TimeOnly(17, 0)), TimeSpan.Zero);
            var data = new JsonObject
            {
                ["plantId"] = "P100", ["lineId"] = line, ["orderId"] = order, ["completedAt"] = Time(completed),
                ["handlingUnits"] = new JsonArray(new JsonObject
                {
                    ["count"] = pallets, ["length"] = 48, ["width"] = 40, ["height"] = 40 + (int)(Draw("height") * 20), ["dimensionUnit"] = "in",
                    ["weight"] = 400 + (int)(Draw("weight") * 900), ["weightUnit"] = "lb", ["stackable"] = Draw("stackable") < 0.3,
                }),
                ["hazmat"] = hazmat ? new JsonObject { ["unNumber"] = "UN1263", ["hazardClass"] = "3", ["packingGroup"] = "II" } : null,
                ["temperature"] = reefer ? new JsonObject { ["minCelsius"] = 2, ["maxCelsius"] = 8 } : null,
                ["destination"] = new JsonObject { ["locationId"] = location, ["postalCode"] = postal, ["country"] = "US" },
                ["requiredDeliveryBy"] = Time(due),
            };

            if (Draw("forecast") < 0.8)
            {
                // Planned a few hours ahead; the actual finish is early or late against it by up to ±90 min.
                DateTimeOffset expected = completed + TimeSpan.FromMinutes((Draw("drift") - 0.5) * 180);
                DateTimeOffset published = (expected < completed ? expected : completed) - TimeSpan.FromHours(2 + (Draw("lead") * 3));
                JsonObject forecast = Envelope("mes.production.scheduled.v1", $"{order}-scheduled", line, order, published, new JsonObject
                {
                    ["plantId"] = "P100", ["lineId"] = line, ["orderId"] = order, ["expectedCompletionAt"] = Time(expected),
                    ["handlingUnits"] = data["handlingUnits"]!.DeepClone(), ["destination"] = data["destination"]!.DeepClone(),
                    ["requiredDeliveryBy"] = Time(due),
                });
                events.Add((published, forecast));
            }

            events.Add((completed, Envelope("mes.production.completed.v1", $"{order}-completed", line, order, completed, data)));
            if (Draw("hold") < 0.04)
            {
                DateTimeOffset placed = completed + TimeSpan.FromMinutes(Draw("placed") * 20);
                events.Add((placed, Envelope("mes.quality.hold.placed.v1", $"{order}-hold", line, order, placed, new JsonObject
                {
                    ["plantId"] = "P100", ["lineId"] = line, ["orderId"] = order, ["holdId"] = $"QH-{order}", ["reason"] = "label check failed", ["placedAt"] = Time(placed),
                })));
                if (Draw("released") < 0.85)
                {
                    DateTimeOffset released = placed + TimeSpan.FromMinutes(60 + (Draw("held") * 300));
                    events.Add((released, Envelope("mes.quality.hold.released.v1", $"{order}-release", line, order, released, new JsonObject
                    {
                        ["plantId"] = "P100", ["lineId"] = line, ["orderId"] = order, ["holdId"] = $"QH-{order}", ["releasedAt"] = Time(released),
                        ["releasedBy"] = "qa.lead", ["note"] = "relabelled",
                    })));
                }
            }
        }

        return events.OrderBy(e => e.At).Select(e => e.Event).ToList();
    }

    static (string, string, int) Pick(double point)
    {
        foreach ((string location, string postal, int weight) destination in Destinations)
        {
            if (point < destination.weight)
            {
                return destination;
            }

            point -= destination.weight;
        }

        return Destinations[^1];
    }

    static JsonObject Envelope(string type, string id, string line, string order, DateTimeOffset time, JsonObject data) => new()
    {
        ["specversion"] = "1.0", ["type"] = type, ["source"] = $"/plants/P100/lines/{line}", ["subject"] = $"orders/{order}", ["id"] = id,
        ["time"] = Time(time), ["datacontenttype"] = "application/json", ["data"] = data,
    };

    static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
