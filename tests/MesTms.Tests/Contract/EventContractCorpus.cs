using System.Text.Json.Nodes;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Contract;

/// <summary>What the contract says of one corpus event.</summary>
public enum Verdict
{
    Valid,
    Invalid,

    /// <summary>Breaks a rule between fields (data vs source, dates in order): the JSON Schema cannot say, the bridge refuses it.</summary>
    CrossField,
}

/// <summary>One event of the corpus: what was done to a valid event, the JSON, the verdict and, when refused, the field named.</summary>
public sealed record CorpusCase(string Name, string Json, Verdict Verdict, string? Field)
{
    public override string ToString() => Name;
}

/// <summary>
/// Valid MES events of every type, and each changed in one way: every attribute and field missing, of the wrong type,
/// out of range, hostile, or legal but unusual. Shared by the schema test and the HTTP corpus test.
/// </summary>
public static class EventContractCorpus
{
    const string Completed = "mes.production.completed.v1";
    const string Placed = "mes.quality.hold.placed.v1";
    const string Released = "mes.quality.hold.released.v1";
    const string Scheduled = "mes.production.scheduled.v1";

    static readonly JsonNode Remove = JsonValue.Create("\u0000remove")!;

    public static JsonObject Base(string type, string orderId)
    {
        JsonObject e = type switch
        {
            Completed => MesEvents.Completed(orderId),
            Placed => MesEvents.HoldPlaced(orderId, "QH-1"),
            Released => MesEvents.HoldReleased(orderId, "QH-1"),
            _ => MesEvents.Scheduled(orderId, new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.Zero)),
        };
        e["time"] = "2026-11-25T08:00:00Z";
        if (type == Scheduled)
        {
            e["data"]!["destination"] = new JsonObject { ["locationId"] = "DC-DAL-02", ["postalCode"] = "75241", ["country"] = "US" };
            e["data"]!["requiredDeliveryBy"] = "2026-12-28T17:00:00Z";
        }

        if (type == Completed)
        {
            e["data"]!["completedAt"] = "2026-11-25T07:58:12Z";
            e["data"]!["requiredDeliveryBy"] = "2026-12-28T17:00:00Z";
            e["data"]!["hazmat"] = new JsonObject { ["unNumber"] = "UN1263", ["hazardClass"] = "3", ["packingGroup"] = "II" };
        }

        return e;
    }

    static IEnumerable<(string Path, JsonNode? Value, Verdict Verdict, string? Field)> EnvelopeChanges()
    {
        yield return ("specversion", Remove, Verdict.Invalid, "specversion");
        yield return ("specversion", "0.3", Verdict.Invalid, "specversion");
        yield return ("specversion", 1.0, Verdict.Invalid, "specversion");
        yield return ("id", Remove, Verdict.Invalid, "id");
        yield return ("id", "", Verdict.Invalid, "id");
        yield return ("id", "   ", Verdict.Invalid, "id");
        yield return ("id", 12345, Verdict.Invalid, "id");
        yield return ("id", true, Verdict.Invalid, "id");
        yield return ("id", new string('x', 129), Verdict.Invalid, "id");
        yield return ("id", "a\u0001b", Verdict.Invalid, "id");
        yield return ("id", "a%2Fb", Verdict.Valid, null);
        yield return ("id", "evt-1 ", Verdict.Valid, null);
        yield return ("id", "évènement/1?#\\", Verdict.Valid, null);
        yield return ("id", "'; DROP TABLE events; --", Verdict.Valid, null);
        yield return ("id", new string('y', 128), Verdict.Valid, null);
        yield return ("type", Remove, Verdict.Invalid, "type");
        yield return ("type", "mes.production.done.v2", Verdict.Invalid, "type");
        yield return ("type", 7, Verdict.Invalid, "type");
        yield return ("source", Remove, Verdict.Invalid, "source");
        yield return ("source", "/plants/P100", Verdict.Invalid, "source");
        yield return ("source", "/plants/P 100/lines/L3", Verdict.Invalid, "source");
        yield return ("source", "/plants/../lines/L3", Verdict.Invalid, "source");
        yield return ("source", "/plants/" + new string('p', 70) + "/lines/L3", Verdict.Invalid, "source");
        yield return ("source", new JsonArray(), Verdict.Invalid, "source");
        yield return ("source", "/plants/P200/lines/L3", Verdict.CrossField, "data.plantId");
        yield return ("subject", Remove, Verdict.Invalid, "subject");
        yield return ("subject", "order/PO-1", Verdict.Invalid, "subject");
        yield return ("subject", "orders/", Verdict.Invalid, "subject");
        yield return ("subject", "orders/PO-1/extra", Verdict.Invalid, "subject");
        yield return ("subject", "orders/PO-SOMEONE-ELSE", Verdict.CrossField, "data.orderId");
        yield return ("time", "2026-11-25T07:58Z", Verdict.Invalid, "time");
        yield return ("time", "2026-11-25 07:58:00Z", Verdict.Invalid, "time");
        yield return ("time", "2026-11-25T07:58:00", Verdict.Invalid, "time");
        yield return ("time", "0001-01-01T00:00:00Z", Verdict.Invalid, "time");
        yield return ("time", "9999-12-31T23:59:59Z", Verdict.Invalid, "time");
        yield return ("time", "2026-13-01T00:00:00Z", Verdict.Invalid, "time");
        yield return ("time", "2026-02-30T00:00:00Z", Verdict.Invalid, "time");
        yield return ("time", "2026-11-25T24:00:00Z", Verdict.Invalid, "time");
        yield return ("time", "2026-11-25T08:00:00+25:00", Verdict.Invalid, "time");
        yield return ("time", 1732521600, Verdict.Invalid, "time");
        yield return ("time", "2026-11-25t07:58:12z", Verdict.Valid, null);
        yield return ("time", "2026-11-25T07:58:12.123456789+01:00", Verdict.Valid, null);
        yield return ("time", "2026-11-25T02:58:12-05:00", Verdict.Valid, null);
        yield return ("time", Remove, Verdict.Valid, null);
        yield return ("datacontenttype", "text/plain", Verdict.Invalid, "datacontenttype");
        yield return ("datacontenttype", "application/cloudevents+json", Verdict.Valid, null);
        yield return ("datacontenttype", "application/json; charset=utf-8", Verdict.Valid, null);
        yield return ("data", Remove, Verdict.Invalid, "data");
        yield return ("data", "text", Verdict.Invalid, "data");
        yield return ("data", new JsonArray(), Verdict.Invalid, "data");
        yield return ("data", null, Verdict.Invalid, "data");
    }

    static IEnumerable<(string Path, JsonNode? Value, Verdict Verdict, string? Field)> IdentityChanges(bool lineRequired)
    {
        foreach (string name in new[] { "plantId", "orderId", "lineId" })
        {
            bool required = name != "lineId" || lineRequired;
            yield return ($"data.{name}", Remove, required ? Verdict.Invalid : Verdict.Valid, required ? $"data.{name}" : null);
            yield return ($"data.{name}", "", Verdict.Invalid, $"data.{name}");
            yield return ($"data.{name}", "A B", Verdict.Invalid, $"data.{name}");
            yield return ($"data.{name}", "-leading", Verdict.Invalid, $"data.{name}");
            yield return ($"data.{name}", new string('a', 65), Verdict.Invalid, $"data.{name}");
            yield return ($"data.{name}", 100, Verdict.Invalid, $"data.{name}");
            yield return ($"data.{name}", "<script>", Verdict.Invalid, $"data.{name}");
        }
    }

    static IEnumerable<(string Path, JsonNode? Value, Verdict Verdict, string? Field)> TimestampChanges(string path, bool required)
    {
        yield return (path, Remove, required ? Verdict.Invalid : Verdict.Valid, required ? path : null);
        yield return (path, "2026-11-25T07:58Z", Verdict.Invalid, path);
        yield return (path, "2026-11-25", Verdict.Invalid, path);
        yield return (path, "0001-01-01T00:00:00Z", Verdict.Invalid, path);
        yield return (path, "9999-12-31T23:59:59Z", Verdict.Invalid, path);
        yield return (path, "2026-11-31T00:00:00Z", Verdict.Invalid, path);
        yield return (path, "yesterday", Verdict.Invalid, path);
        yield return (path, 0, Verdict.Invalid, path);
        yield return (path, "2026-11-25t07:58:12.5z", Verdict.Valid, null);
    }

    static IEnumerable<(string Path, JsonNode? Value, Verdict Verdict, string? Field)> FreightChanges(string prefix, bool required)
    {
        string hu = $"{prefix}.handlingUnits";
        yield return (hu, Remove, required ? Verdict.Invalid : Verdict.Valid, required ? hu : null);
        yield return (hu, new JsonArray(), Verdict.Invalid, hu);
        yield return (hu, "18 pallets", Verdict.Invalid, hu);
        yield return (hu, new JsonArray(Enumerable.Range(0, 501).Select(_ => (JsonNode)Unit()).ToArray()), Verdict.Invalid, hu);
        yield return (hu, new JsonArray(Enumerable.Range(0, 500).Select(_ => (JsonNode)Unit()).ToArray()), Verdict.Valid, null);
        yield return (hu, new JsonArray(JsonValue.Create(1)), Verdict.Invalid, $"{hu}[0]");
        foreach ((string field, JsonNode? value, bool ok) in new (string, JsonNode?, bool)[]
        {
            ("count", 0, false), ("count", 10_001, false), ("count", 1.5, false), ("count", "3", false), ("count", 10_000, true),
            ("length", 0, false), ("length", -1, false), ("length", 2001, false), ("length", 0.5, true),
            ("width", "40", false), ("height", null, false),
            ("dimensionUnit", "mm", false), ("dimensionUnit", "IN", false), ("dimensionUnit", "cm", true),
            ("weight", 0, false), ("weight", 100_001, false), ("weight", 1e300, false),
            ("weightUnit", "g", false), ("weightUnit", "kg", true),
            ("stackable", "yes", false), ("stackable", 1, false), ("stackable", Remove, false), ("stackable", true, true),
        })
        {
            yield return ($"{hu}[0].{field}", value, ok ? Verdict.Valid : Verdict.Invalid, ok ? null : $"{hu}[0].{field}");
        }

        string dest = $"{prefix}.destination";
        yield return (dest, Remove, required ? Verdict.Invalid : Verdict.Valid, required ? dest : null);
        yield return (dest, "DC-ATL-01", Verdict.Invalid, dest);
        yield return ($"{dest}.country", "ZZ", Verdict.Invalid, $"{dest}.country");
        yield return ($"{dest}.country", "us", Verdict.Invalid, $"{dest}.country");
        yield return ($"{dest}.country", "USA", Verdict.Invalid, $"{dest}.country");
        yield return ($"{dest}.country", "XK", Verdict.Invalid, $"{dest}.country");
        yield return ($"{dest}.country", "CA", Verdict.Valid, null);
        yield return ($"{dest}.postalCode", "", Verdict.Invalid, $"{dest}.postalCode");
        yield return ($"{dest}.postalCode", "   ", Verdict.Invalid, $"{dest}.postalCode");
        yield return ($"{dest}.postalCode", new string('9', 17), Verdict.Invalid, $"{dest}.postalCode");
        yield return ($"{dest}.postalCode", 30336, Verdict.Invalid, $"{dest}.postalCode");
        yield return ($"{dest}.locationId", "DC ATL", Verdict.Invalid, $"{dest}.locationId");

        string hazmat = $"{prefix}.hazmat";
        yield return (hazmat, new JsonObject { ["unNumber"] = "1263", ["hazardClass"] = "3", ["packingGroup"] = "II" }, Verdict.Invalid, $"{hazmat}.unNumber");
        yield return (hazmat, new JsonObject { ["unNumber"] = "UN1263", ["hazardClass"] = "10", ["packingGroup"] = "II" }, Verdict.Invalid, $"{hazmat}.hazardClass");
        yield return (hazmat, new JsonObject { ["unNumber"] = "UN1263", ["hazardClass"] = "3" }, Verdict.Invalid, $"{hazmat}.packingGroup");
        yield return (hazmat, new JsonObject { ["unNumber"] = "UN1263", ["hazardClass"] = "3", ["packingGroup"] = "IV" }, Verdict.Invalid, $"{hazmat}.packingGroup");
        yield return (hazmat, new JsonObject { ["unNumber"] = "UN1075", ["hazardClass"] = "2.1" }, Verdict.Valid, null);
        yield return (hazmat, new JsonObject { ["unNumber"] = "UN2915", ["hazardClass"] = "7" }, Verdict.Valid, null);
        yield return (hazmat, "flammable", Verdict.Invalid, hazmat);
        yield return (hazmat, null, Verdict.Valid, null);

        string temperature = $"{prefix}.temperature";
        yield return (temperature, new JsonObject { ["minCelsius"] = -41, ["maxCelsius"] = 0 }, Verdict.Invalid, $"{temperature}.minCelsius");
        yield return (temperature, new JsonObject { ["minCelsius"] = 2, ["maxCelsius"] = 41 }, Verdict.Invalid, $"{temperature}.maxCelsius");
        yield return (temperature, new JsonObject { ["minCelsius"] = 2 }, Verdict.Invalid, $"{temperature}.maxCelsius");
        yield return (temperature, new JsonObject { ["minCelsius"] = 8, ["maxCelsius"] = 2 }, Verdict.CrossField, $"{temperature}.maxCelsius");
        yield return (temperature, new JsonObject { ["minCelsius"] = 2, ["maxCelsius"] = 8 }, Verdict.Valid, null);
    }

    static JsonObject Unit() => new()
    {
        ["count"] = 1, ["length"] = 48, ["width"] = 40, ["height"] = 52, ["dimensionUnit"] = "in", ["weight"] = 1150, ["weightUnit"] = "lb", ["stackable"] = false,
    };

    static IEnumerable<(string Path, JsonNode? Value, Verdict Verdict, string? Field)> DataChanges(string type) => type switch
    {
        Completed => IdentityChanges(lineRequired: true)
            .Concat(TimestampChanges("data.completedAt", true))
            .Concat(TimestampChanges("data.requiredDeliveryBy", true).Where(c => c.Value is not JsonValue v || v.ToJsonString() != "\"2026-11-25t07:58:12.5z\""))
            .Append(("data.requiredDeliveryBy", "2026-11-25T07:58:12Z", Verdict.CrossField, "data.requiredDeliveryBy"))
            .Append(("data.requiredDeliveryBy", "2026-11-20T17:00:00Z", Verdict.CrossField, "data.requiredDeliveryBy"))
            .Concat(FreightChanges("data", required: true)),
        Placed => IdentityChanges(lineRequired: false)
            .Concat(TimestampChanges("data.placedAt", true))
            .Append(("data.holdId", Remove, Verdict.Invalid, "data.holdId"))
            .Append(("data.holdId", "QH 1", Verdict.Invalid, "data.holdId"))
            .Append(("data.reason", "", Verdict.Invalid, "data.reason"))
            .Append(("data.reason", new string('r', 1001), Verdict.Invalid, "data.reason"))
            .Append(("data.reason", new string('r', 1000), Verdict.Valid, null))
            .Append(("data.lineId", null, Verdict.Valid, null)),
        Released => IdentityChanges(lineRequired: false)
            .Concat(TimestampChanges("data.releasedAt", true))
            .Append(("data.holdId", 77, Verdict.Invalid, "data.holdId"))
            .Append(("data.releasedBy", Remove, Verdict.Valid, null))
            .Append(("data.releasedBy", null, Verdict.Valid, null))
            .Append(("data.releasedBy", new string('b', 257), Verdict.Invalid, "data.releasedBy"))
            .Append(("data.note", new string('n', 1001), Verdict.Invalid, "data.note"))
            .Append(("data.note", "   ", Verdict.Invalid, "data.note")),
        _ => IdentityChanges(lineRequired: true)
            .Concat(TimestampChanges("data.expectedCompletionAt", true))
            .Concat(TimestampChanges("data.requiredDeliveryBy", false))
            .Concat(FreightChanges("data", required: false))
            .Append(("data.handlingUnits", null, Verdict.Valid, null)),
    };

    /// <summary>Every corpus case: the four valid events and each change applied to a fresh copy.</summary>
    public static IEnumerable<CorpusCase> All()
    {
        int n = 0;
        foreach (string type in new[] { Completed, Placed, Released, Scheduled })
        {
            string shortType = type["mes.".Length..^".v1".Length];
            yield return new CorpusCase($"{shortType}: valid", Base(type, $"PO-C{n++:0000}").ToJsonString(), Verdict.Valid, null);
            foreach ((string path, JsonNode? value, Verdict verdict, string? field) in EnvelopeChanges().Concat(DataChanges(type)))
            {
                string orderId = $"PO-C{n++:0000}";
                JsonObject e = Base(type, orderId);
                Apply(e, path, value);
                string shown = value is null ? "null" : ReferenceEquals(value, Remove) ? "(removed)" : Shorten(value.ToJsonString());
                yield return new CorpusCase($"{shortType}: {path} = {shown}", e.ToJsonString(), verdict, field);
            }
        }
    }

    static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + $"… ({text.Length})";

    static void Apply(JsonObject e, string path, JsonNode? value)
    {
        string[] parts = path.Split('.');
        JsonNode parent = e;
        foreach (string part in parts[..^1])
        {
            parent = Step(parent, part);
        }

        string last = parts[^1];
        if (last.EndsWith(']'))
        {
            parent = Step(parent, last[..last.IndexOf('[')]);
            last = last[(last.IndexOf('[') + 1)..^1];
            ((JsonArray)parent)[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value?.DeepClone();
            return;
        }

        var obj = (JsonObject)parent;
        if (ReferenceEquals(value, Remove))
        {
            obj.Remove(last);
        }
        else
        {
            obj[last] = value?.DeepClone();
        }
    }

    static JsonNode Step(JsonNode node, string part)
    {
        int bracket = part.IndexOf('[');
        if (bracket < 0)
        {
            return node[part]!;
        }

        JsonNode array = node[part[..bracket]]!;
        return array[int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]!;
    }
}
