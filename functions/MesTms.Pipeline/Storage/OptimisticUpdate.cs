using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

/// <summary>
/// Read-modify-write of one Cosmos document under ETag concurrency: concurrent writers never overwrite each
/// other; the loser re-reads and re-applies its change. A change that returns the same instance writes nothing.
/// With <see cref="DocumentVersions{T}"/> an update starts from the version this process last read or wrote, without
/// reading it again: if another writer changed it since, the ETag check fails and the change is applied to a fresh read.
/// </summary>
public static class OptimisticUpdate
{
    public const int MaxAttempts = 20;

    public static async Task<T> ApplyAsync<T>(
        Container container, string id, PartitionKey partitionKey, Func<T?, T> change, CancellationToken cancellationToken = default,
        DocumentVersions<T>? versions = null)
        where T : class
    {
        for (int attempt = 1; ; attempt++)
        {
            T? current = null;
            string? etag = null;
            bool remembered = attempt == 1 && versions is not null && versions.TryGet(id, out current, out etag);
            if (!remembered)
            {
                try
                {
                    ItemResponse<T> read = await container.ReadItemAsync<T>(id, partitionKey, cancellationToken: cancellationToken);
                    current = read.Resource;
                    etag = read.ETag;
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                }
            }

            T updated = change(current);
            if (ReferenceEquals(updated, current))
            {
                if (remembered)
                {
                    // Nothing to change on the remembered version: confirm it on the stored one before saying so.
                    versions!.Forget(id);
                    continue;
                }

                return current!;
            }

            try
            {
                ItemResponse<T> written = etag is null
                    ? await container.CreateItemAsync(updated, partitionKey, cancellationToken: cancellationToken)
                    : await container.ReplaceItemAsync(updated, id, partitionKey, new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
                versions?.Remember(id, written.Resource, written.ETag);
                return written.Resource;
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                // Someone else wrote first: read their version and apply the change again (at once if only our memory was stale).
                versions?.Forget(id);
                if (!remembered)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
                }
            }
        }
    }

    public static async Task<T?> ReadOrDefaultAsync<T>(Container container, string id, PartitionKey partitionKey, CancellationToken cancellationToken = default,
        DocumentVersions<T>? versions = null)
        where T : class
    {
        try
        {
            ItemResponse<T> read = await container.ReadItemAsync<T>(id, partitionKey, cancellationToken: cancellationToken);
            versions?.Remember(id, read.Resource, read.ETag);
            return read.Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

/// <summary>
/// The versions of documents this process last read or wrote, with their ETags (bounded: forgotten all at once when full).
/// Only ever a starting point for an ETag-guarded update, never an answer to a read: another process may have written since.
/// </summary>
public sealed class DocumentVersions<T>(int capacity = 20_000) where T : class
{
    readonly ConcurrentDictionary<string, (T Document, string ETag)> versions = new(StringComparer.Ordinal);

    public bool TryGet(string id, out T? document, out string? etag)
    {
        bool found = versions.TryGetValue(id, out (T Document, string ETag) version);
        document = found ? version.Document : null;
        etag = found ? version.ETag : null;
        return found;
    }

    public void Remember(string id, T document, string? etag)
    {
        if (etag is null)
        {
            return;
        }

        if (versions.Count >= capacity)
        {
            versions.Clear();
        }

        versions[id] = (document, etag);
    }

    public void Forget(string id) => versions.TryRemove(id, out _);
}

/// <summary>Tells a failure of the app's own store (Cosmos) from other failures of an activity.</summary>
public static class StoreFailures
{
    /// <remarks>By the failure's type name: <c>TaskFailureDetails.IsCausedBy</c> loads types by name and throws when a name is ambiguous.</remarks>
    public static bool IsStoreFailure(Microsoft.DurableTask.TaskFailureDetails? failure) =>
        failure is not null && (failure.ErrorType == typeof(CosmosException).FullName || IsStoreFailure(failure.InnerFailure));
}
