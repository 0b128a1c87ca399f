using MesTms.Domain;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Rating;
using MesTms.Pipeline.Carriers;
using MesTms.Domain.Shipments;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

public interface IShipmentStore
{
    Task<Shipment?> GetAsync(OrderKey order, CancellationToken cancellationToken = default);

    /// <summary>All shipments of an order number, across plants (normally one).</summary>
    Task<IReadOnlyList<Shipment>> FindByOrderIdAsync(string orderId, CancellationToken cancellationToken = default);

    /// <summary>Applies a change under ETag concurrency; returning the input unchanged writes nothing.</summary>
    Task<Shipment> UpdateAsync(OrderKey order, Func<Shipment?, Shipment> change, CancellationToken cancellationToken = default);
}

public sealed class CosmosShipmentStore(CosmosStore store) : IShipmentStore
{
    public Task<Shipment?> GetAsync(OrderKey order, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ReadOrDefaultAsync<Shipment>(store.Shipments, order.DocumentId, new PartitionKey(order.OrderId), cancellationToken);

    public async Task<IReadOnlyList<Shipment>> FindByOrderIdAsync(string orderId, CancellationToken cancellationToken = default)
    {
        QueryDefinition query = new QueryDefinition("SELECT * FROM c WHERE c.orderId = @orderId").WithParameter("@orderId", orderId);
        var results = new List<Shipment>();
        using FeedIterator<Shipment> iterator = store.Shipments.GetItemQueryIterator<Shipment>(
            query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(orderId) });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return results.OrderBy(s => s.PlantId, StringComparer.Ordinal).ToList();
    }

    public Task<Shipment> UpdateAsync(OrderKey order, Func<Shipment?, Shipment> change, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ApplyAsync(store.Shipments, order.DocumentId, new PartitionKey(order.OrderId), change, cancellationToken);
}
