using MesTms.Domain;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Rating;
using MesTms.Pipeline.Carriers;
using MesTms.Domain.Shipments;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

/// <summary>The planner-facing state of one production order's shipment, with its decision history.</summary>
public sealed record ShipmentDocument
{
    public required string Id { get; init; }

    public required string OrderId { get; init; }

    public required string PlantId { get; init; }

    public string? LineId { get; init; }

    public required string Status { get; init; }

    public string? SourceEventId { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the webhook accepted the completion event.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    public DateTimeOffset? RequiredDeliveryBy { get; init; }

    public Destination? Destination { get; init; }

    public IReadOnlyList<HandlingUnit>? HandlingUnits { get; init; }

    public Hazmat? Hazmat { get; init; }

    public TemperatureRange? Temperature { get; init; }

    public int HandlingUnitCount { get; init; }

    public decimal TotalWeightLb { get; init; }

    public decimal TotalCubeFt3 { get; init; }

    public IReadOnlyList<QualityHold> ActiveHolds { get; init; } = [];

    public IReadOnlyList<ShipmentDecision> Decisions { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the document first recorded the order as ready to ship (written by the activity).</summary>
    public DateTimeOffset? ReadyAt { get; init; }

    /// <summary>Every quoted candidate with its cost breakdown, and every excluded carrier with the reason.</summary>
    public RateShopResult? RateShop { get; init; }

    /// <summary>Contract set version the quotes came from.</summary>
    public string? ContractsVersion { get; init; }

    public IReadOnlyList<TenderRecord> Tenders { get; init; } = [];

    public Booking? Booking { get; init; }

    /// <summary>The closed load this order travels on (an order's shipment), null while unconsolidated.</summary>
    public string? LoadId { get; init; }

    /// <summary>The open load this order waits in (see <see cref="ShipmentStatus.Consolidating"/>).</summary>
    public string? OpenLoadId { get; init; }

    /// <summary>A load's shipment: the production orders on it (empty for an order's shipment).</summary>
    public IReadOnlyList<string> MemberOrderIds { get; init; } = [];

    /// <summary>Delivery stops (a load may stop at several locations of one destination group).</summary>
    public int Stops { get; init; } = 1;

    /// <summary>How often the load changed materially (each change re-plans the carrier with fresh tender ids).</summary>
    public int PlanRevision { get; init; }

    /// <summary>How many times the order left a load (quality hold); it re-joins consolidation as a new member.</summary>
    public int ConsolidationRound { get; init; }

    /// <summary>The dock door and window (Tentative from a forecast, Booked once a carrier is booked).</summary>
    public MesTms.Domain.Docks.DockAppointment? DockAppointment { get; init; }

    /// <summary>Set when the shipment is booked to arrive after its required delivery (expedited late freight).</summary>
    public LateDelivery? Late { get; init; }
}

/// <summary>One tender of the waterfall and what came of it.</summary>
public sealed record TenderRecord(
    string TenderId, string Scac, ServiceMode Mode, Equipment Equipment, decimal Price, DateTimeOffset SentAt, DateTimeOffset RespondBy,
    string? Outcome = null, string? Reason = null, DateTimeOffset? AnsweredAt = null);

/// <summary>The booked carrier, price and pickup.</summary>
public sealed record Booking(
    string TenderId, string Scac, string CarrierName, ServiceMode Mode, Equipment Equipment, decimal Price, string Currency,
    DateTimeOffset BookedAt, DateOnly PickupDay, DateTimeOffset EstimatedDelivery, PickupConfirmation? PickupConfirmation);

public interface IShipmentStore
{
    Task<ShipmentDocument?> GetAsync(OrderKey order, CancellationToken cancellationToken = default);

    /// <summary>All shipments of an order number, across plants (normally one).</summary>
    Task<IReadOnlyList<ShipmentDocument>> FindByOrderIdAsync(string orderId, CancellationToken cancellationToken = default);

    /// <summary>Applies a change under ETag concurrency; returning the input unchanged writes nothing.</summary>
    Task<ShipmentDocument> UpdateAsync(OrderKey order, Func<ShipmentDocument?, ShipmentDocument> change, CancellationToken cancellationToken = default);
}

public sealed class CosmosShipmentStore(CosmosStore store) : IShipmentStore
{
    public Task<ShipmentDocument?> GetAsync(OrderKey order, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ReadOrDefaultAsync<ShipmentDocument>(store.Shipments, order.DocumentId, new PartitionKey(order.OrderId), cancellationToken);

    public async Task<IReadOnlyList<ShipmentDocument>> FindByOrderIdAsync(string orderId, CancellationToken cancellationToken = default)
    {
        QueryDefinition query = new QueryDefinition("SELECT * FROM c WHERE c.orderId = @orderId").WithParameter("@orderId", orderId);
        var results = new List<ShipmentDocument>();
        using FeedIterator<ShipmentDocument> iterator = store.Shipments.GetItemQueryIterator<ShipmentDocument>(
            query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(orderId) });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return results.OrderBy(s => s.PlantId, StringComparer.Ordinal).ToList();
    }

    public Task<ShipmentDocument> UpdateAsync(OrderKey order, Func<ShipmentDocument?, ShipmentDocument> change, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ApplyAsync(store.Shipments, order.DocumentId, new PartitionKey(order.OrderId), change, cancellationToken);
}
