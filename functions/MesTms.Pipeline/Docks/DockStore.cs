using MesTms.Domain.Docks;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Docks;

/// <summary>An appointment taken off the schedule, and why (kept for the planner view).</summary>
public sealed record ReleasedAppointment(DockAppointment Appointment, DateTimeOffset At, string Reason);

/// <summary>
/// The door schedule of one plant-day (id <c>{plantId}|{yyyy-MM-dd}</c>): one consistent document, changed only under
/// ETag concurrency, so two bookings can never take the same door window.
/// </summary>
public sealed record DockScheduleDocument
{
    public required string Id { get; init; }

    public required string PlantId { get; init; }

    public required DateOnly Day { get; init; }

    public IReadOnlyList<DockAppointment> Appointments { get; init; } = [];

    public IReadOnlyList<ReleasedAppointment> Released { get; init; } = [];

    public DateTimeOffset UpdatedAt { get; init; }

    public static string IdFor(string plantId, DateOnly day) => $"{plantId}|{day:yyyy-MM-dd}";
}

/// <summary>An order's planned completion (from <c>mes.production.scheduled.v1</c>) and the tentative appointment made from it.</summary>
public sealed record DockForecastDocument
{
    public required string Id { get; init; }

    public required string PlantId { get; init; }

    public required string OrderId { get; init; }

    public required DateTimeOffset ExpectedCompletionAt { get; init; }

    public string? SourceEventId { get; init; }

    /// <summary>What the door must handle, from the forecast: pallet positions, reefer, hazmat.</summary>
    public int Pallets { get; init; } = 1;

    public bool Reefer { get; init; }

    public bool Hazmat { get; init; }

    public DockAppointment? Appointment { get; init; }

    public string? Reason { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public static string IdFor(string plantId, string orderId) => $"forecast|{plantId}|{orderId}";
}

public interface IDockStore
{
    Task<DockScheduleDocument?> GetScheduleAsync(string plantId, DateOnly day, CancellationToken cancellationToken = default);

    Task<DockScheduleDocument> UpdateScheduleAsync(string plantId, DateOnly day, Func<DockScheduleDocument?, DockScheduleDocument> change, CancellationToken cancellationToken = default);

    Task<DockForecastDocument?> GetForecastAsync(string plantId, string orderId, CancellationToken cancellationToken = default);

    Task<DockForecastDocument> UpdateForecastAsync(string plantId, string orderId, Func<DockForecastDocument?, DockForecastDocument> change, CancellationToken cancellationToken = default);
}

public sealed class CosmosDockStore(CosmosStore store) : IDockStore
{
    /// <summary>Many bookings may race for one plant-day: more attempts than the default before giving up (each re-reads and re-plans).</summary>
    const int ScheduleAttempts = 5;

    readonly DocumentVersions<DockScheduleDocument> schedules = new(capacity: 2_000);

    public Task<DockScheduleDocument?> GetScheduleAsync(string plantId, DateOnly day, CancellationToken cancellationToken = default)
    {
        string id = DockScheduleDocument.IdFor(plantId, day);
        return OptimisticUpdate.ReadOrDefaultAsync(store.DockSchedules, id, new PartitionKey(id), cancellationToken, schedules);
    }

    public async Task<DockScheduleDocument> UpdateScheduleAsync(string plantId, DateOnly day, Func<DockScheduleDocument?, DockScheduleDocument> change, CancellationToken cancellationToken = default)
    {
        string id = DockScheduleDocument.IdFor(plantId, day);
        for (int round = 1; ; round++)
        {
            try
            {
                return await OptimisticUpdate.ApplyAsync(store.DockSchedules, id, new PartitionKey(id), change, cancellationToken, schedules);
            }
            catch (CosmosException e) when (e.StatusCode is System.Net.HttpStatusCode.PreconditionFailed or System.Net.HttpStatusCode.Conflict && round < ScheduleAttempts)
            {
            }
        }
    }

    public Task<DockForecastDocument?> GetForecastAsync(string plantId, string orderId, CancellationToken cancellationToken = default)
    {
        string id = DockForecastDocument.IdFor(plantId, orderId);
        return OptimisticUpdate.ReadOrDefaultAsync<DockForecastDocument>(store.DockSchedules, id, new PartitionKey(id), cancellationToken);
    }

    public Task<DockForecastDocument> UpdateForecastAsync(string plantId, string orderId, Func<DockForecastDocument?, DockForecastDocument> change, CancellationToken cancellationToken = default)
    {
        string id = DockForecastDocument.IdFor(plantId, orderId);
        return OptimisticUpdate.ApplyAsync(store.DockSchedules, id, new PartitionKey(id), change, cancellationToken);
    }
}
