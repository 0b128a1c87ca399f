using System.Text.Json;
using System.Text.Json.Nodes;

namespace MesTms.Tests.Fixtures;

/// <summary>Builds MES CloudEvents as JSON, valid by default.</summary>
public static class MesEvents
{
    /// <param name="now">The moment the event is sent (default: the test run's clock; a test on a pinned clock passes the app's).</param>
    public static JsonObject Completed(string orderId, string plantId = "P100", string lineId = "L3", string? id = null, DateTimeOffset? now = null) =>
        Completed(orderId, plantId, lineId, id, now ?? TestClock.Now);

    static JsonObject Completed(string orderId, string plantId, string lineId, string? id, DateTimeOffset now) => new()
    {
        ["specversion"] = "1.0",
        ["type"] = "mes.production.completed.v1",
        ["source"] = $"/plants/{plantId}/lines/{lineId}",
        ["subject"] = $"orders/{orderId}",
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["time"] = "2026-11-25T08:00:00Z",
        ["datacontenttype"] = "application/json",
        ["data"] = new JsonObject
        {
            ["plantId"] = plantId,
            ["lineId"] = lineId,
            ["orderId"] = orderId,
            // Relative to the run, so carrier transit times stay feasible whatever day the suite runs.
            ["completedAt"] = Timestamp(now.AddMinutes(-2)),
            ["handlingUnits"] = new JsonArray(new JsonObject
            {
                ["count"] = 18, ["length"] = 48, ["width"] = 40, ["height"] = 52, ["dimensionUnit"] = "in",
                ["weight"] = 1150, ["weightUnit"] = "lb", ["stackable"] = false,
            }),
            ["hazmat"] = null,
            ["temperature"] = null,
            ["destination"] = new JsonObject { ["locationId"] = "DC-ATL-01", ["postalCode"] = "30336", ["country"] = "US" },
            ["requiredDeliveryBy"] = Timestamp(new DateTimeOffset(now.UtcDateTime.Date.AddDays(8).AddHours(17), TimeSpan.Zero)),
        },
    };

    public static JsonObject Scheduled(string orderId, DateTimeOffset expectedCompletionAt, string plantId = "P100", int pallets = 18, string? id = null) => new()
    {
        ["specversion"] = "1.0",
        ["type"] = "mes.production.scheduled.v1",
        ["source"] = $"/plants/{plantId}/lines/L3",
        ["subject"] = $"orders/{orderId}",
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["data"] = new JsonObject
        {
            ["plantId"] = plantId, ["lineId"] = "L3", ["orderId"] = orderId, ["expectedCompletionAt"] = Timestamp(expectedCompletionAt),
            ["handlingUnits"] = new JsonArray(new JsonObject
            {
                ["count"] = pallets, ["length"] = 48, ["width"] = 40, ["height"] = 52, ["dimensionUnit"] = "in",
                ["weight"] = 1150, ["weightUnit"] = "lb", ["stackable"] = false,
            }),
        },
    };

    public static JsonObject HoldPlaced(string orderId, string holdId, string plantId = "P100", string? id = null) => new()
    {
        ["specversion"] = "1.0",
        ["type"] = "mes.quality.hold.placed.v1",
        ["source"] = $"/plants/{plantId}/lines/L3",
        ["subject"] = $"orders/{orderId}",
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["data"] = new JsonObject
        {
            ["plantId"] = plantId, ["orderId"] = orderId, ["holdId"] = holdId,
            ["reason"] = "Seal integrity check failed on pallet 4", ["placedAt"] = "2026-11-25T08:10:00Z",
        },
    };

    public static JsonObject HoldReleased(string orderId, string holdId, string plantId = "P100", string? id = null) => new()
    {
        ["specversion"] = "1.0",
        ["type"] = "mes.quality.hold.released.v1",
        ["source"] = $"/plants/{plantId}/lines/L3",
        ["subject"] = $"orders/{orderId}",
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["data"] = new JsonObject
        {
            ["plantId"] = plantId, ["orderId"] = orderId, ["holdId"] = holdId,
            ["releasedAt"] = "2026-11-25T09:00:00Z", ["releasedBy"] = "qa.lead@plant100", ["note"] = "Re-sealed and re-inspected",
        },
    };

    public static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sets the order's freight to <paramref name="pallets"/> non-stackable pallets of <paramref name="weightLb"/> each.</summary>
    public static JsonObject WithPallets(this JsonObject completed, int pallets, decimal weightLb = 1000, bool stackable = false)
    {
        completed["data"]!["handlingUnits"] = new JsonArray(new JsonObject
        {
            ["count"] = pallets, ["length"] = 48, ["width"] = 40, ["height"] = 50, ["dimensionUnit"] = "in",
            ["weight"] = weightLb, ["weightUnit"] = "lb", ["stackable"] = stackable,
        });
        return completed;
    }

    public static JsonObject WithDestination(this JsonObject completed, string locationId, string postalCode, string country = "US")
    {
        completed["data"]!["destination"] = new JsonObject { ["locationId"] = locationId, ["postalCode"] = postalCode, ["country"] = country };
        return completed;
    }

    public static JsonObject WithRequiredDeliveryBy(this JsonObject completed, DateTimeOffset by)
    {
        completed["data"]!["requiredDeliveryBy"] = Timestamp(by);
        return completed;
    }

    public static string Batch(params JsonNode[] events) => new JsonArray(events.Select(e => e.DeepClone()).ToArray()).ToJsonString();

    public static JsonElement ToElement(this JsonNode node) => JsonSerializer.SerializeToElement(node);
}
