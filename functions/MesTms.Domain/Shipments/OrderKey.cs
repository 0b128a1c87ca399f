using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace MesTms.Domain;

/// <summary>
/// A production order is identified by its plant and its order number. Both are restricted to
/// <c>[A-Za-z0-9][A-Za-z0-9._-]{0,63}</c>, so the derived keys below are unambiguous and safe as
/// Durable instance IDs, Cosmos ids and URL segments.
/// </summary>
public readonly partial record struct OrderKey(string PlantId, string OrderId)
{
    public const string IdentifierRule = "1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>The instance ID of the order's shipment orchestration. A second completion maps to the same ID.</summary>
    [JsonIgnore]
    public string ShipmentInstanceId => $"shipment|{PlantId}|{OrderId}";

    /// <summary>The Cosmos id of documents keyed by order (shipment, quality holds).</summary>
    [JsonIgnore]
    public string DocumentId => $"{PlantId}|{OrderId}";

    public override string ToString() => $"{PlantId}/{OrderId}";

    public static bool IsValidIdentifier(string? value) => value is not null && IdentifierPattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex IdentifierPattern();
}

/// <summary>Instance ids of the workflows that are not keyed by an order.</summary>
public static class WorkflowInstanceIds
{
    /// <summary>The instance ID of a closed load's workflow.</summary>
    public static string Load(string loadId) => $"load|{loadId}";
}
