using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using MesTms.Domain.Events;
using MesTms.Domain;
using MesTms.Pipeline.Shipments;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Events;

/// <summary>An incoming MES event as stored: accepted with its data, or rejected with its reasons and raw text.</summary>
public sealed record MesEventRecord
{
    public const string Accepted = "Accepted";
    public const string Rejected = "Rejected";

    /// <summary>Cosmos id: the event id (escaped when it holds characters Cosmos forbids), or a hash for rejects.</summary>
    public required string Id { get; init; }

    public string? EventId { get; init; }

    public required string Status { get; init; }

    public string? Type { get; init; }

    public string? Source { get; init; }

    public string? Subject { get; init; }

    public string? PlantId { get; init; }

    public string? OrderId { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public JsonElement? Data { get; init; }

    public string? RawEvent { get; init; }

    public IReadOnlyList<FieldError>? Errors { get; init; }

    public string? Route { get; init; }

    public DateTimeOffset? RoutedAt { get; init; }

    /// <summary>Seconds to keep the record (Cosmos TTL).</summary>
    public int? Ttl { get; init; }

    /// <summary>
    /// This record is also the order's completion claim (<see cref="CosmosMesEventStore"/>: one document per order holds the
    /// first completion event, written once): <see cref="EventId"/> owns the order's workflow. Kept for good (no TTL).
    /// </summary>
    public bool ClaimsCompletion { get; init; }

    /// <summary>The event's <c>time</c> attribute, so the event can be rebuilt from its record (see <see cref="RoutePending"/>).</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>
    /// True while the event is recorded but not routed because the webhook answered first (the outbox, see
    /// <see cref="PendingRoutes"/>); cleared when it is routed. Null on every other record.
    /// </summary>
    public bool? RoutePending { get; init; }
}

public interface IMesEventStore
{
    /// <summary>Records an accepted event once. Returns the stored record and whether this call created it.</summary>
    /// <param name="routePending">Recorded to be routed after the answer: the record is its own outbox entry, in the same write.</param>
    Task<(MesEventRecord Record, bool Created)> RecordAcceptedAsync(MesEvent mesEvent, JsonElement data, DateTimeOffset receivedAt,
        CancellationToken cancellationToken = default, bool routePending = false);

    Task MarkRoutedAsync(MesEventRecord record, string route, DateTimeOffset routedAt, CancellationToken cancellationToken = default);

    /// <summary>Stores a refused event with its reasons; the same raw event stored twice is one record.</summary>
    Task<MesEventRecord> RecordRejectedAsync(string rawEvent, string? eventId, string? type, string? source, string? subject,
        IReadOnlyList<FieldError> errors, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<MesEventRecord>> ListRejectedAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default);

    Task<MesEventRecord?> GetAcceptedAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>The completion event <paramref name="eventId"/> of <paramref name="order"/> as recorded (one point read).</summary>
    Task<MesEventRecord?> GetCompletionAsync(OrderKey order, string eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims an order's completion for one event: the first claimant wins for good, on every backend and under
    /// any concurrency. Returns the id of the event that owns the completion.
    /// </summary>
    Task<string> ClaimCompletionAsync(OrderKey order, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Puts an already recorded event in the outbox (a redelivery whose first delivery never routed it).</summary>
    Task MarkRoutePendingAsync(MesEventRecord record, CancellationToken cancellationToken = default);

    /// <summary>Records still waiting to be routed (<see cref="MesEventRecord.RoutePending"/>), received before <paramref name="before"/>, oldest first.</summary>
    Task<IReadOnlyList<MesEventRecord>> ListPendingRoutesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);
}

/// <summary>
/// Event records in the <c>events</c> container, one write per accepted event. A completion is recorded under its order
/// (<c>completion-{hash of plant|order}</c>), so the same write records the event and claims the order's workflow for it;
/// a redelivery conflicts and reads it back; a second, different completion of the order is recorded under its own id.
/// Other events are recorded under their event id. Routes are patched onto records, except onto completion claims: there
/// a started workflow is the mark, looked up on redelivery, which saves the write.
/// </summary>
public sealed class CosmosMesEventStore(CosmosStore store, TimeProvider clock) : IMesEventStore
{
    public const int MaxRawEventChars = 32 * 1024;

    public async Task<(MesEventRecord Record, bool Created)> RecordAcceptedAsync(
        MesEvent mesEvent, JsonElement data, DateTimeOffset receivedAt, CancellationToken cancellationToken = default, bool routePending = false)
    {
        var record = new MesEventRecord
        {
            Id = DocumentIdFor(mesEvent.Id),
            EventId = mesEvent.Id,
            Status = MesEventRecord.Accepted,
            Type = mesEvent.Type,
            Source = mesEvent.Source,
            Subject = mesEvent.Subject,
            PlantId = mesEvent.Order.PlantId,
            OrderId = mesEvent.Order.OrderId,
            ReceivedAt = receivedAt,
            Time = mesEvent.Time,
            Data = data,
            Ttl = store.EventTimeToLiveSeconds,
            RoutePending = routePending ? true : null,
        };

        if (mesEvent is ProductionCompletedEvent)
        {
            var claim = record with { Id = CompletionIdFor(mesEvent.Order), ClaimsCompletion = true, Ttl = null };
            (MesEventRecord stored, bool created) = await CreateOrReadAsync(claim, cancellationToken);
            if (created || stored.EventId == mesEvent.Id)
            {
                return (stored with { ClaimsCompletion = true }, created);
            }

            // Another completion event owns the order (or an old-layout claim holds it): record this one under its own id.
        }

        return await CreateOrReadAsync(record, cancellationToken);
    }

    async Task<(MesEventRecord Record, bool Created)> CreateOrReadAsync(MesEventRecord record, CancellationToken cancellationToken)
    {
        try
        {
            ItemResponse<MesEventRecord> created = await store.Events.CreateItemAsync(record, new PartitionKey(record.Id), cancellationToken: cancellationToken);
            return (created.Resource, true);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            MesEventRecord existing = await OptimisticUpdate.ReadOrDefaultAsync<MesEventRecord>(store.Events, record.Id, new PartitionKey(record.Id), cancellationToken)
                ?? throw new InvalidOperationException($"Event record {record.Id} conflicted on create but cannot be read.");
            return (existing, false);
        }
    }

    public Task MarkRoutedAsync(MesEventRecord record, string route, DateTimeOffset routedAt, CancellationToken cancellationToken = default)
    {
        // A completion claim is marked by its started workflow, which saves the write; unless it waits in the outbox.
        if (record.ClaimsCompletion && record.RoutePending != true)
        {
            return Task.CompletedTask;
        }

        List<PatchOperation> patch = [PatchOperation.Set("/route", route), PatchOperation.Set("/routedAt", routedAt)];
        if (record.RoutePending == true)
        {
            // Set, not removed: the background and a redelivery may both mark it routed, and removing a missing path fails.
            patch.Add(PatchOperation.Set<bool?>("/routePending", null));
        }

        return store.Events.PatchItemAsync<MesEventRecord>(record.Id, new PartitionKey(record.Id), patch, cancellationToken: cancellationToken);
    }

    public async Task<MesEventRecord> RecordRejectedAsync(string rawEvent, string? eventId, string? type, string? source, string? subject,
        IReadOnlyList<FieldError> errors, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        var record = new MesEventRecord
        {
            Id = "rejected-" + Hash(rawEvent),
            EventId = eventId,
            Status = MesEventRecord.Rejected,
            Type = type,
            Source = source,
            Subject = subject,
            ReceivedAt = receivedAt,
            RawEvent = rawEvent.Length > MaxRawEventChars ? rawEvent[..MaxRawEventChars] : rawEvent,
            Errors = errors,
            Ttl = store.EventTimeToLiveSeconds,
        };

        try
        {
            return (await store.Events.CreateItemAsync(record, new PartitionKey(record.Id), cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return record;
        }
    }

    public async Task<IReadOnlyList<MesEventRecord>> ListRejectedAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        // Rejections are rare; a cross-partition filter is acceptable here. Sorting happens in memory.
        QueryDefinition query = new QueryDefinition("SELECT * FROM c WHERE c.status = @status AND c.receivedAt >= @since")
            .WithParameter("@status", MesEventRecord.Rejected)
            .WithParameter("@since", since);
        IReadOnlyList<MesEventRecord> results = await QueryAsync(query, cancellationToken);
        return results.OrderByDescending(r => r.ReceivedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>Every record a cross-partition query finds (it is used only for the rare kinds: rejects and the outbox).</summary>
    async Task<IReadOnlyList<MesEventRecord>> QueryAsync(QueryDefinition query, CancellationToken cancellationToken)
    {
        var results = new List<MesEventRecord>();
        using FeedIterator<MesEventRecord> iterator = store.Events.GetItemQueryIterator<MesEventRecord>(query);
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return results;
    }

    public Task<MesEventRecord?> GetAcceptedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        string id = DocumentIdFor(eventId);
        return OptimisticUpdate.ReadOrDefaultAsync<MesEventRecord>(store.Events, id, new PartitionKey(id), cancellationToken);
    }

    public async Task<MesEventRecord?> GetCompletionAsync(OrderKey order, string eventId, CancellationToken cancellationToken = default)
    {
        string id = CompletionIdFor(order);
        MesEventRecord? claim = await OptimisticUpdate.ReadOrDefaultAsync<MesEventRecord>(store.Events, id, new PartitionKey(id), cancellationToken);
        // Records written before completions were claimed in one write sit under the event id.
        return claim is { Data: not null } && claim.EventId == eventId ? claim : await GetAcceptedAsync(eventId, cancellationToken);
    }

    public async Task<string> ClaimCompletionAsync(OrderKey order, string eventId, CancellationToken cancellationToken = default)
    {
        string id = CompletionIdFor(order);
        if (await OptimisticUpdate.ReadOrDefaultAsync<MesEventRecord>(store.Events, id, new PartitionKey(id), cancellationToken) is { EventId: { } owner })
        {
            return owner;
        }

        var claim = new MesEventRecord
        {
            Id = id,
            EventId = eventId,
            Status = "CompletionClaim",
            PlantId = order.PlantId,
            OrderId = order.OrderId,
            ReceivedAt = clock.GetUtcNow(),
            ClaimsCompletion = true,
        };
        (MesEventRecord stored, _) = await CreateOrReadAsync(claim, cancellationToken);
        return stored.EventId ?? throw new InvalidOperationException($"Completion claim of {order} has no event id.");
    }

    public Task MarkRoutePendingAsync(MesEventRecord record, CancellationToken cancellationToken = default) =>
        store.Events.PatchItemAsync<MesEventRecord>(record.Id, new PartitionKey(record.Id),
            [PatchOperation.Set("/routePending", true), PatchOperation.Set("/time", record.Time)], cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<MesEventRecord>> ListPendingRoutesAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        // The outbox holds only what a large batch left for after its answer (and what a crash left behind): few records.
        QueryDefinition query = new QueryDefinition("SELECT * FROM c WHERE c.routePending = true AND c.receivedAt < @before")
            .WithParameter("@before", before);
        IReadOnlyList<MesEventRecord> results = await QueryAsync(query, cancellationToken);
        return results.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>The id of the record that holds an order's first completion event (and so claims its workflow).</summary>
    public static string CompletionIdFor(OrderKey order) => "completion-" + Hash(order.DocumentId);

    /// <summary>
    /// The Cosmos id of an event record. An event id may be any text of up to 128 characters; only plain ones
    /// (letters, digits, '.', '_', ':', '-', starting with a letter or digit) are used as they are. Anything else —
    /// '/', '%', a space, non-ASCII text, the prefixes of this container's own records — is stored under a hash, so no
    /// sender's id can break a storage URL or collide with a claim or a rejection record.
    /// </summary>
    public static string DocumentIdFor(string eventId) =>
        IsPlain(eventId) && !eventId.StartsWith("rejected-", StringComparison.Ordinal) && !eventId.StartsWith("sha-", StringComparison.Ordinal) &&
        !eventId.StartsWith("completion-", StringComparison.Ordinal)
            ? eventId
            : "sha-" + Hash(eventId);

    static bool IsPlain(string id) =>
        id.Length is > 0 and <= 128 && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];
}

/// <summary>A recorded completion event's data, for registration (<see cref="IRecordedCompletions"/>).</summary>
public sealed class RecordedCompletions(IMesEventStore events) : IRecordedCompletions
{
    public async Task<ProductionCompleted?> ReadCompletionAsync(OrderKey order, string eventId, CancellationToken cancellationToken = default) =>
        await events.GetCompletionAsync(order, eventId, cancellationToken) is { } record
            ? record.Data?.Deserialize<ProductionCompleted>(CosmosStore.Json)
                ?? throw new InvalidOperationException($"Completion event {eventId} of {order} has no data.")
            : null;
}
