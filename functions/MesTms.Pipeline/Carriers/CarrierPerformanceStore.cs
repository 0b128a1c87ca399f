using MesTms.Domain.Rating;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Carriers;

/// <summary>
/// A carrier's observed service performance as stored (starts from the contract's figures). <see cref="Recent"/> holds
/// the ids of the latest observations, so the same outcome reported twice (a retried or repeated activity) counts once.
/// </summary>
public sealed record CarrierPerformanceDocument(string Id, decimal OnTimeRate, decimal TenderAcceptanceRate, int Observations, DateTimeOffset UpdatedAt)
{
    /// <summary>Observed on-time pick-ups (null until the first status report judged one).</summary>
    public decimal? OnTimePickupRate { get; init; }

    public const int RecentKept = 2000;

    public IReadOnlyList<string> Recent { get; init; } = [];

    public CarrierPerformance ToPerformance() => new(OnTimeRate, TenderAcceptanceRate, Observations, OnTimePickupRate);
}

public interface ICarrierPerformanceStore
{
    Task<IReadOnlyDictionary<string, CarrierPerformance>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Blends one observed outcome into the carrier's figures (ETag-safe), once per <paramref name="observationId"/>
    /// (e.g. <c>{tenderId}|accepted</c>): reporting it again changes nothing.
    /// </summary>
    Task<CarrierPerformance> ObserveAsync(string scac, CarrierPerformance initial, string observationId, bool? deliveredOnTime, bool? tenderAccepted,
        CancellationToken cancellationToken = default, bool? pickedUpOnTime = null);
}

public sealed class CosmosCarrierPerformanceStore(CosmosStore store, TimeProvider clock) : ICarrierPerformanceStore
{
    readonly DocumentVersions<CarrierPerformanceDocument> versions = new(capacity: 1_000);

    /// <summary>
    /// How long the figures read for rating are reused: they move by one observation per tender outcome, so a rate shop a
    /// few seconds behind the latest outcome scores the same carriers the same way, and a burst of orders reads them once.
    /// </summary>
    public static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(15);

    sealed record Snapshot(IReadOnlyDictionary<string, CarrierPerformance> All, DateTimeOffset ReadAt);

    Snapshot? recent;

    public async Task<IReadOnlyDictionary<string, CarrierPerformance>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref recent) is { } known && clock.GetUtcNow() - known.ReadAt < ReuseFor && clock.GetUtcNow() >= known.ReadAt)
        {
            return known.All;
        }

        DateTimeOffset readAt = clock.GetUtcNow();
        var all = new Dictionary<string, CarrierPerformance>(StringComparer.Ordinal);
        using FeedIterator<CarrierPerformanceDocument> iterator = store.CarrierPerformance.GetItemQueryIterator<CarrierPerformanceDocument>("SELECT * FROM c");
        while (iterator.HasMoreResults)
        {
            foreach (CarrierPerformanceDocument document in await iterator.ReadNextAsync(cancellationToken))
            {
                all[document.Id] = document.ToPerformance();
            }
        }

        Volatile.Write(ref recent, new Snapshot(all, readAt));
        return all;
    }

    public async Task<CarrierPerformance> ObserveAsync(string scac, CarrierPerformance initial, string observationId, bool? deliveredOnTime, bool? tenderAccepted,
        CancellationToken cancellationToken = default, bool? pickedUpOnTime = null)
    {
        CarrierPerformanceDocument updated = await OptimisticUpdate.ApplyAsync<CarrierPerformanceDocument>(store.CarrierPerformance, scac, new PartitionKey(scac), current =>
        {
            // Decided afresh on every attempt: after a concurrent write the re-read document may already hold this observation.
            if (current is not null && current.Recent.Contains(observationId, StringComparer.Ordinal))
            {
                return current;
            }

            CarrierPerformance next = (current?.ToPerformance() ?? initial).Observe(deliveredOnTime, tenderAccepted, pickedUpOnTime);
            return new CarrierPerformanceDocument(scac, next.OnTimeRate, next.TenderAcceptanceRate, next.Observations, clock.GetUtcNow())
            {
                OnTimePickupRate = next.OnTimePickupRate,
                Recent = [.. (current?.Recent ?? []).TakeLast(CarrierPerformanceDocument.RecentKept - 1), observationId],
            };
        }, cancellationToken, versions);
        // This process's own observations show at once in the figures it reuses.
        if (Volatile.Read(ref recent) is { } known)
        {
            Interlocked.CompareExchange(ref recent, known with
            {
                All = new Dictionary<string, CarrierPerformance>(known.All, StringComparer.Ordinal) { [scac] = updated.ToPerformance() },
            }, known);
        }

        return updated.ToPerformance();
    }
}
