using MesTms.Domain.Loads;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Loads;

public interface ILoadStore
{
    Task<Load?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Applies a change under ETag concurrency; returning the input unchanged writes nothing.</summary>
    Task<Load> UpdateAsync(string id, Func<Load?, Load> change, CancellationToken cancellationToken = default);
}

public sealed class CosmosLoadStore(CosmosStore store) : ILoadStore
{
    readonly DocumentVersions<Load> versions = new();

    public Task<Load?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ReadOrDefaultAsync(store.Loads, id, new PartitionKey(id), cancellationToken, versions);

    public Task<Load> UpdateAsync(string id, Func<Load?, Load> change, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ApplyAsync(store.Loads, id, new PartitionKey(id), change, cancellationToken, versions);
}
