using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

/// <summary>One order on a load: what the load builder needs, and when it joined.</summary>
public sealed record LoadLine(
    string OrderId,
    int Round,
    string StopId,
    string DestinationGroup,
    decimal WeightLb,
    decimal CubeFt3,
    int StackableUnits,
    int LooseUnits,
    string? HazardClass,
    TemperatureRange? Temperature,
    DateTimeOffset RequiredDeliveryBy,
    DateTimeOffset JoinedAt)
{
    public string MemberKey => $"{OrderId}#{Round}";

    public LoadableOrder ToLoadable() =>
        new(OrderId, DestinationGroup, WeightLb, CubeFt3, StackableUnits, LooseUnits, HazardClass, Temperature, RequiredDeliveryBy, StopId);
}

/// <summary>An order taken off a load (quality hold) and why.</summary>
public sealed record RemovedOrder(string OrderId, DateTimeOffset At, string Reason);

/// <summary>
/// An open load (orders waiting for more freight to the same destination group; id <c>open|{plant}|{group}|{class}</c>)
/// or a closed load (id = load id) with its fill on each dimension and the decisions behind it.
/// </summary>
public sealed record LoadDocument
{
    public const string OpenKind = "open";
    public const string LoadKind = "load";

    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string PlantId { get; init; }

    public required string DestinationGroup { get; init; }

    /// <summary>A postal code of the destination group (distance and lane lookup when pricing the load).</summary>
    public string? DestinationPostalCode { get; init; }

    public string? DestinationCountry { get; init; }

    /// <summary>DryVan or Reefer.</summary>
    public required Equipment Equipment { get; init; }

    public required string Status { get; init; }

    public IReadOnlyList<LoadLine> Orders { get; init; } = [];

    public IReadOnlyList<RemovedOrder> Removed { get; init; } = [];

    public decimal WeightLb { get; init; }

    public decimal CubeFt3 { get; init; }

    public int FloorPositions { get; init; }

    public IReadOnlyList<string> Stops { get; init; } = [];

    /// <summary>Binding-dimension fill (0-1) and each dimension's.</summary>
    public decimal Fill { get; init; }

    public decimal WeightFill { get; init; }

    public decimal CubeFill { get; init; }

    public decimal FloorFill { get; init; }

    /// <summary>Earliest required delivery of the orders on the load.</summary>
    public DateTimeOffset? ShipBy { get; init; }

    /// <summary>Open load: when its current orders started collecting (the arrival-rate window starts here).</summary>
    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>Open load: number of the next load it closes.</summary>
    public int NextLoadNumber { get; init; } = 1;

    /// <summary>Open load: loads closed but not yet handed to their workflow (finished on the next activity run).</summary>
    public IReadOnlyList<LoadDocument> PendingHandOffs { get; init; } = [];

    /// <summary>
    /// Open load: <c>{orderId}#{round}</c> of the most recent members that left on a closed load, so a late or
    /// retried join of the same order never adds it twice (trimmed to <see cref="HistoryLimit"/>).
    /// </summary>
    public IReadOnlyList<string> ClosedMembers { get; init; } = [];

    public const int HistoryLimit = 5000;

    /// <summary>Open load: when it is looked at again.</summary>
    public DateTimeOffset? NextReviewAt { get; init; }

    /// <summary>Closed load: increases on each material change (the carrier is re-planned).</summary>
    public int Revision { get; init; }

    public IReadOnlyList<ShipmentDecision> Decisions { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public static string OpenLoadId(string plantId, string destinationGroup, Equipment equipment) =>
        $"open|{plantId}|{destinationGroup}|{equipment}";

    /// <summary>Recomputes totals, stops and fill from <see cref="Orders"/>.</summary>
    public LoadDocument WithTotals()
    {
        Capacity.Limit limit = Capacity.For(Equipment);
        decimal weight = Orders.Sum(o => o.WeightLb);
        decimal cube = Orders.Sum(o => o.CubeFt3);
        int floor = MesTms.Domain.Events.FloorPositions.For(Orders.Sum(o => o.LooseUnits), Orders.Sum(o => o.StackableUnits));
        decimal wf = decimal.Round(weight / limit.WeightLb, 4), cf = decimal.Round(cube / limit.CubeFt3, 4), ff = decimal.Round((decimal)floor / limit.PalletPositions, 4);
        return this with
        {
            WeightLb = weight,
            CubeFt3 = cube,
            FloorPositions = floor,
            Stops = Orders.Select(o => o.StopId).Distinct(StringComparer.Ordinal).ToList(),
            WeightFill = wf,
            CubeFill = cf,
            FloorFill = ff,
            Fill = Math.Max(wf, Math.Max(cf, ff)),
            ShipBy = Orders.Count == 0 ? null : Orders.Min(o => o.RequiredDeliveryBy),
        };
    }
}

public interface ILoadStore
{
    Task<LoadDocument?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Applies a change under ETag concurrency; returning the input unchanged writes nothing.</summary>
    Task<LoadDocument> UpdateAsync(string id, Func<LoadDocument?, LoadDocument> change, CancellationToken cancellationToken = default);
}

public sealed class CosmosLoadStore(CosmosStore store) : ILoadStore
{
    public Task<LoadDocument?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ReadOrDefaultAsync<LoadDocument>(store.Loads, id, new PartitionKey(id), cancellationToken);

    public Task<LoadDocument> UpdateAsync(string id, Func<LoadDocument?, LoadDocument> change, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ApplyAsync(store.Loads, id, new PartitionKey(id), change, cancellationToken);
}
