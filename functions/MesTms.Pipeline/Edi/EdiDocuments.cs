using System.Net;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Edi;

/// <summary>
/// One X12 interchange the bridge wrote or read, kept whole (what a translator or a dispute needs): its direction, the
/// transaction sets in it, control numbers, the text, and what came of it — sent, undeliverable, acknowledged by the
/// carrier's 997; or for an inbound one, each set's outcome (recorded, duplicate, unknown tender…) or why it was rejected.
/// </summary>
public sealed record EdiDocument
{
    public const string Outbound = "outbound";
    public const string Inbound = "inbound";

    public required string Id { get; init; }

    public required string Scac { get; init; }

    public required string Direction { get; init; }

    /// <summary>The transaction sets, e.g. <c>["204"]</c>, <c>["990","214"]</c>; empty when it could not be read.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    public string? InterchangeControl { get; init; }

    public string? GroupControl { get; init; }

    /// <summary>The tender(s) it is about.</summary>
    public IReadOnlyList<string> TenderIds { get; init; } = [];

    /// <summary>
    /// Outbound: sent, undeliverable, accepted or rejected (the carrier's 997). Inbound: accepted (every set read),
    /// partly-rejected, rejected (unreadable: the 997 says why).
    /// </summary>
    public required string Status { get; init; }

    public IReadOnlyList<string> Outcomes { get; init; } = [];

    public string? Error { get; init; }

    public required string Text { get; init; }

    /// <summary>Inbound: the 997 the bridge answered with.</summary>
    public string? Acknowledgment { get; init; }

    public required DateTimeOffset At { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

public interface IEdiDocumentStore
{
    Task<EdiDocument?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Stores a new document; one that exists (a retry, a resent interchange) is returned as stored.</summary>
    Task<(EdiDocument Document, bool Created)> CreateAsync(EdiDocument document, CancellationToken cancellationToken = default);

    Task<EdiDocument> UpdateAsync(string id, Func<EdiDocument, EdiDocument> change, CancellationToken cancellationToken = default);

    /// <summary>The next interchange control number for our documents to a carrier (1-999999999, then round again), ETag-safe.</summary>
    Task<long> NextControlNumberAsync(string scac, CancellationToken cancellationToken = default);

    /// <summary>The latest documents of a carrier, newest first.</summary>
    Task<IReadOnlyList<EdiDocument>> ListAsync(string scac, int limit, CancellationToken cancellationToken = default);

    /// <summary>Our outbound documents to a carrier with this group control number (what its 997 acknowledges).</summary>
    Task<IReadOnlyList<EdiDocument>> FindOutboundAsync(string scac, string groupControl, CancellationToken cancellationToken = default);
}

public sealed record EdiControlCounter(string Id, long Last);

public sealed class CosmosEdiDocumentStore(CosmosStore store) : IEdiDocumentStore
{
    Container Container => store.EdiDocuments;

    public Task<EdiDocument?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ReadOrDefaultAsync<EdiDocument>(Container, id, new PartitionKey(id), cancellationToken);

    public async Task<(EdiDocument Document, bool Created)> CreateAsync(EdiDocument document, CancellationToken cancellationToken = default)
    {
        try
        {
            return ((await Container.CreateItemAsync(document, new PartitionKey(document.Id), cancellationToken: cancellationToken)).Resource, true);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return ((await GetAsync(document.Id, cancellationToken))!, false);
        }
    }

    public Task<EdiDocument> UpdateAsync(string id, Func<EdiDocument, EdiDocument> change, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ApplyAsync<EdiDocument>(Container, id, new PartitionKey(id), current => current is null ? current! : change(current), cancellationToken);

    public async Task<long> NextControlNumberAsync(string scac, CancellationToken cancellationToken = default)
    {
        string id = $"control|{scac}";
        EdiControlCounter next = await OptimisticUpdate.ApplyAsync<EdiControlCounter>(Container, id, new PartitionKey(id),
            current => new EdiControlCounter(id, current is null || current.Last >= 999_999_999 ? 1 : current.Last + 1), cancellationToken);
        return next.Last;
    }

    public async Task<IReadOnlyList<EdiDocument>> ListAsync(string scac, int limit, CancellationToken cancellationToken = default)
    {
        QueryDefinition query = new QueryDefinition("SELECT TOP @limit * FROM c WHERE c.scac = @scac AND IS_DEFINED(c.direction) ORDER BY c.at DESC")
            .WithParameter("@limit", limit).WithParameter("@scac", scac);
        return await ReadAllAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<EdiDocument>> FindOutboundAsync(string scac, string groupControl, CancellationToken cancellationToken = default)
    {
        QueryDefinition query = new QueryDefinition("SELECT * FROM c WHERE c.scac = @scac AND c.direction = @outbound AND c.groupControl = @group")
            .WithParameter("@scac", scac).WithParameter("@outbound", EdiDocument.Outbound).WithParameter("@group", groupControl);
        return await ReadAllAsync(query, cancellationToken);
    }

    async Task<IReadOnlyList<EdiDocument>> ReadAllAsync(QueryDefinition query, CancellationToken cancellationToken)
    {
        var found = new List<EdiDocument>();
        using FeedIterator<EdiDocument> iterator = Container.GetItemQueryIterator<EdiDocument>(query);
        while (iterator.HasMoreResults)
        {
            found.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return found;
    }
}
