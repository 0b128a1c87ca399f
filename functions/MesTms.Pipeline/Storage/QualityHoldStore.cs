using MesTms.Domain.Holds;
using MesTms.Domain;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

/// <summary>The quality-hold ledger of one order as stored.</summary>
public sealed record QualityHoldDocument
{
    public required string Id { get; init; }

    public required string OrderId { get; init; }

    public required string PlantId { get; init; }

    public IReadOnlyList<QualityHold> Holds { get; init; } = [];

    public int Version { get; init; }

    public QualityHoldLedger ToLedger() => new(Holds, Version);
}

public interface IQualityHoldStore
{
    Task<QualityHoldLedger> GetAsync(OrderKey order, CancellationToken cancellationToken = default);

    /// <summary>Applies a ledger change under ETag concurrency. Returns the ledger after it and whether it changed.</summary>
    Task<(QualityHoldLedger Ledger, bool Changed)> UpdateAsync(
        OrderKey order, Func<QualityHoldLedger, (QualityHoldLedger Ledger, bool Changed)> change, CancellationToken cancellationToken = default);
}

public sealed class CosmosQualityHoldStore(CosmosStore store) : IQualityHoldStore
{
    public async Task<QualityHoldLedger> GetAsync(OrderKey order, CancellationToken cancellationToken = default)
    {
        QualityHoldDocument? document = await OptimisticUpdate.ReadOrDefaultAsync<QualityHoldDocument>(
            store.QualityHolds, order.DocumentId, new PartitionKey(order.OrderId), cancellationToken);
        return document?.ToLedger() ?? QualityHoldLedger.Empty;
    }

    public async Task<(QualityHoldLedger Ledger, bool Changed)> UpdateAsync(
        OrderKey order, Func<QualityHoldLedger, (QualityHoldLedger Ledger, bool Changed)> change, CancellationToken cancellationToken = default)
    {
        bool changed = false;
        QualityHoldDocument result = await OptimisticUpdate.ApplyAsync<QualityHoldDocument>(
            store.QualityHolds, order.DocumentId, new PartitionKey(order.OrderId),
            current =>
            {
                (QualityHoldLedger ledger, bool didChange) = change(current?.ToLedger() ?? QualityHoldLedger.Empty);
                changed = didChange;
                if (!didChange && current is not null)
                {
                    return current;
                }

                return new QualityHoldDocument
                {
                    Id = order.DocumentId,
                    OrderId = order.OrderId,
                    PlantId = order.PlantId,
                    Holds = ledger.Holds,
                    Version = ledger.Version,
                };
            },
            cancellationToken);
        return (result.ToLedger(), changed);
    }
}
