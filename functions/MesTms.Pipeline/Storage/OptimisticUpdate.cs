using System.Net;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

/// <summary>
/// Read-modify-write of one Cosmos document under ETag concurrency: concurrent writers never overwrite each
/// other; the loser re-reads and re-applies its change. A change that returns the same instance writes nothing.
/// </summary>
public static class OptimisticUpdate
{
    public const int MaxAttempts = 20;

    public static async Task<T> ApplyAsync<T>(
        Container container, string id, PartitionKey partitionKey, Func<T?, T> change, CancellationToken cancellationToken = default)
        where T : class
    {
        for (int attempt = 1; ; attempt++)
        {
            T? current = null;
            string? etag = null;
            try
            {
                ItemResponse<T> read = await container.ReadItemAsync<T>(id, partitionKey, cancellationToken: cancellationToken);
                current = read.Resource;
                etag = read.ETag;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
            }

            T updated = change(current);
            if (ReferenceEquals(updated, current))
            {
                return current!;
            }

            try
            {
                if (etag is null)
                {
                    return (await container.CreateItemAsync(updated, partitionKey, cancellationToken: cancellationToken)).Resource;
                }

                return (await container.ReplaceItemAsync(updated, id, partitionKey,
                    new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken)).Resource;
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                // Someone else wrote first: read their version and apply the change again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }
    }

    public static async Task<T?> ReadOrDefaultAsync<T>(Container container, string id, PartitionKey partitionKey, CancellationToken cancellationToken = default)
        where T : class
    {
        try
        {
            return (await container.ReadItemAsync<T>(id, partitionKey, cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

/// <summary>Tells a failure of the app's own store (Cosmos) from other failures of an activity.</summary>
public static class StoreFailures
{
    /// <remarks>By the failure's type name: <c>TaskFailureDetails.IsCausedBy</c> loads types by name and throws when a name is ambiguous.</remarks>
    public static bool IsStoreFailure(Microsoft.DurableTask.TaskFailureDetails? failure) =>
        failure is not null && (failure.ErrorType == typeof(CosmosException).FullName || IsStoreFailure(failure.InnerFailure));
}
