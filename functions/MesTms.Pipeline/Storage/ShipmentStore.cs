using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

public interface IShipmentStore
{
    Task<Shipment?> GetAsync(OrderKey order, CancellationToken cancellationToken = default);

    /// <summary>All shipments of an order number, across plants (normally one).</summary>
    Task<IReadOnlyList<Shipment>> FindByOrderIdAsync(string orderId, CancellationToken cancellationToken = default);

    /// <summary>Applies a change under ETag concurrency; returning the input unchanged writes nothing.</summary>
    Task<Shipment> UpdateAsync(OrderKey order, Func<Shipment?, Shipment> change, CancellationToken cancellationToken = default);

    /// <summary>Creates the shipment unless it exists (then the stored one is returned unchanged): one write for a new order.</summary>
    Task<Shipment> CreateIfAbsentAsync(OrderKey order, Func<Shipment> create, CancellationToken cancellationToken = default);
}

public sealed class CosmosShipmentStore(CosmosStore store) : IShipmentStore
{
    /// <summary>A shipment is changed step after step by its own workflow: most updates start from the version last written.</summary>
    readonly DocumentVersions<Shipment> versions = new();

    public Task<Shipment?> GetAsync(OrderKey order, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ReadOrDefaultAsync(store.Shipments, order.DocumentId, new PartitionKey(order.OrderId), cancellationToken, versions);

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

    public async Task<Shipment> CreateIfAbsentAsync(OrderKey order, Func<Shipment> create, CancellationToken cancellationToken = default)
    {
        try
        {
            ItemResponse<Shipment> created = await store.Shipments.CreateItemAsync(create(), new PartitionKey(order.OrderId), cancellationToken: cancellationToken);
            versions.Remember(order.DocumentId, created.Resource, created.ETag);
            return created.Resource;
        }
        catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return await GetAsync(order, cancellationToken) ?? throw new InvalidOperationException($"Shipment {order} exists but cannot be read.");
        }
    }

    public Task<Shipment> UpdateAsync(OrderKey order, Func<Shipment?, Shipment> change, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ApplyAsync(store.Shipments, order.DocumentId, new PartitionKey(order.OrderId), change, cancellationToken, versions);
}
