using System.Net;
using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain.Tendering;
using MesTms.Domain;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Tendering;

/// <summary>
/// A load tender (EDI 204 motor carrier load tender, as JSON; mapping in the README): who, what, where, when and
/// at which contracted price.
/// </summary>
public sealed record LoadTender(
    string TenderId,
    string Scac,
    string Purpose,
    string ShipmentId,
    string PlantId,
    string OrderId,
    ServiceMode Mode,
    Equipment Equipment,
    string OriginPostalCode,
    string DestinationLocationId,
    string DestinationPostalCode,
    string DestinationCountry,
    DateOnly PickupDay,
    DateTimeOffset DeliverBy,
    decimal WeightLb,
    decimal CubeFt3,
    int PalletPositions,
    Hazmat? Hazmat,
    TemperatureRange? Temperature,
    decimal Price,
    string Currency,
    DateTimeOffset RespondBy,
    DateTimeOffset? SentAt = null);

/// <summary>A carrier's answer to a tender (EDI 990 response to a load tender).</summary>
/// <param name="AnsweredAt">
/// When the carrier answered, as it says (JSON <c>answeredAt</c>, the 990's GS date and time); the bridge dates its next
/// decisions by it, never before the tender was sent nor after its own clock. Null: when the answer arrived.
/// </param>
public sealed record TenderResponse(string Decision, string? Reason, string? Scac, PickupConfirmation? PickupConfirmation, DateTimeOffset? AnsweredAt = null)
{
    public const string Accept = "accept";
    public const string Decline = "decline";

    public bool Accepted => Decision == Accept;

    /// <summary>The answer as the tender waterfall decides on it.</summary>
    public CarrierAnswer ToCarrierAnswer() => new(Accepted, Reason, PickupConfirmation);
}

/// <summary>The tender as stored: the lookup from a tender id to its workflow, and the first answer received.</summary>
public sealed record TenderDocument
{
    public required string Id { get; init; }

    public required string InstanceId { get; init; }

    public required string PlantId { get; init; }

    public required string OrderId { get; init; }

    public required string Scac { get; init; }

    public required LoadTender Tender { get; init; }

    public DateTimeOffset SentAt { get; init; }

    public TenderResponse? Response { get; init; }

    public DateTimeOffset? RespondedAt { get; init; }

    /// <summary>Set when the tender was withdrawn before the carrier answered (a quality hold during tendering); a later answer is refused.</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }

    public string? WithdrawnReason { get; init; }

    /// <summary>Statuses the carrier sent for this tender that were refused (dated in the future), latest last, at most <see cref="RefusedStatusLimit"/>.</summary>
    public IReadOnlyList<RefusedCarrierStatus> RefusedStatuses { get; init; } = [];

    public const int RefusedStatusLimit = 50;
}

/// <summary>A carrier status that was refused and never applied: what it said, when it came, and why.</summary>
public sealed record RefusedCarrierStatus(string Status, DateTimeOffset At, DateTimeOffset ReceivedAt, string Reason);

public interface ITenderStore
{
    Task<TenderDocument> CreateAsync(TenderDocument tender, CancellationToken cancellationToken = default);

    Task<TenderDocument?> GetAsync(string tenderId, CancellationToken cancellationToken = default);

    /// <summary>Keeps the first answer only. Returns the stored document and whether this answer was the one kept.</summary>
    Task<(TenderDocument? Tender, bool Recorded)> RecordResponseAsync(string tenderId, TenderResponse response, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Marks the tender withdrawn (kept if already withdrawn); an answer that arrived first stays on the document.</summary>
    Task<TenderDocument?> WithdrawAsync(string tenderId, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Keeps a refused status on the tender (the same status, time and reason once; the latest <see cref="TenderDocument.RefusedStatusLimit"/>).</summary>
    Task RecordRefusedStatusAsync(string tenderId, RefusedCarrierStatus refused, CancellationToken cancellationToken = default);
}

public sealed class CosmosTenderStore(CosmosStore store) : ITenderStore
{
    /// <summary>A tender is read when its answer arrives and written right after: the write starts from that read.</summary>
    readonly DocumentVersions<TenderDocument> versions = new();

    public async Task<TenderDocument> CreateAsync(TenderDocument tender, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await store.Tenders.CreateItemAsync(tender, new PartitionKey(tender.Id), cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return (await GetAsync(tender.Id, cancellationToken))!; // a retried activity: the tender already exists
        }
    }

    public Task<TenderDocument?> GetAsync(string tenderId, CancellationToken cancellationToken = default) =>
        OptimisticUpdate.ReadOrDefaultAsync(store.Tenders, tenderId, new PartitionKey(tenderId), cancellationToken, versions);

    public async Task<(TenderDocument? Tender, bool Recorded)> RecordResponseAsync(string tenderId, TenderResponse response, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        bool recorded = false;
        TenderDocument? result = await OptimisticUpdate.ApplyAsync<TenderDocument>(store.Tenders, tenderId, new PartitionKey(tenderId), current =>
        {
            // Decided afresh on every attempt: after a concurrent write the re-read tender may already hold an answer.
            recorded = current is not null && current.Response is null && current.WithdrawnAt is null;
            return recorded ? current! with { Response = response, RespondedAt = at } : current!;
        }, cancellationToken, versions);
        return (result, recorded);
    }

    public async Task<TenderDocument?> WithdrawAsync(string tenderId, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        return await OptimisticUpdate.ApplyAsync<TenderDocument>(store.Tenders, tenderId, new PartitionKey(tenderId),
            current => current is null || current.WithdrawnAt is not null ? current! : current with { WithdrawnAt = at, WithdrawnReason = reason }, cancellationToken, versions);
    }

    public async Task RecordRefusedStatusAsync(string tenderId, RefusedCarrierStatus refused, CancellationToken cancellationToken = default)
    {
        await OptimisticUpdate.ApplyAsync<TenderDocument>(store.Tenders, tenderId, new PartitionKey(tenderId), current =>
            current is null || current.RefusedStatuses.Any(r => r.Status == refused.Status && r.At == refused.At && r.Reason == refused.Reason)
                ? current!
                : current with { RefusedStatuses = [.. current.RefusedStatuses.TakeLast(TenderDocument.RefusedStatusLimit - 1), refused] },
            cancellationToken, versions);
    }
}
