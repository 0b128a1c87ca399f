using MesTms.Domain;
using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Pipeline.Storage;

namespace MesTms.Pipeline.Docks;

/// <summary>
/// Plans a tentative door appointment from a production forecast (<c>mes.production.scheduled.v1</c>), so the dock
/// is reserved before the freight exists; a later forecast for the same order moves it. The actual completion then
/// pulls it forward or pushes it back (<see cref="Workflows.ApplyActualCompletion"/>). Idempotent per forecast.
/// </summary>
public sealed class DockPrePlanning(IDockStore docks, IShipmentStore shipments, DockScheduling scheduling, DockOptions options, TimeProvider clock)
{
    public async Task<string> PlanAsync(ProductionScheduledEvent scheduled, CancellationToken cancellationToken = default)
    {
        OrderKey order = scheduled.Order;
        ProductionScheduled data = scheduled.Data;
        if (!scheduling.Enabled)
        {
            return $"forecast recorded: {order} expected at {data.ExpectedCompletionAt:u} (dock scheduling is off)";
        }

        if ((await shipments.GetAsync(order, cancellationToken))?.ReadyAt is not null)
        {
            return $"forecast recorded: {order} already completed, its door follows the actual output";
        }

        DockForecastDocument? known = await docks.GetForecastAsync(order.PlantId, order.OrderId, cancellationToken);
        if (known is not null && known.ExpectedCompletionAt == data.ExpectedCompletionAt && known.Appointment is not null)
        {
            return $"forecast unchanged: {order} door {known.Appointment.DoorId} {known.Appointment.Start:u}";
        }

        DateTimeOffset ready = data.ExpectedCompletionAt;
        var request = new DockRequest(order.OrderId, null, DockScheduling.Pallets(data.HandlingUnits), false, false, ready, ready, ready.AddDays(options.MaxDaysAhead));
        string why = known is null
            ? $"planned against forecast completion {ready:u}"
            : $"forecast moved from {known.ExpectedCompletionAt:u} to {ready:u}";
        DockPlacement placement = await scheduling.PlaceAsync(order.PlantId, order.OrderId, request, known?.Appointment is { } previous ? [previous] : [],
            DockAppointment.Tentative, why, cancellationToken);
        await docks.UpdateForecastAsync(order.PlantId, order.OrderId, current => (current ?? new DockForecastDocument
        {
            Id = DockForecastDocument.IdFor(order.PlantId, order.OrderId),
            PlantId = order.PlantId,
            OrderId = order.OrderId,
            ExpectedCompletionAt = ready,
        }) with
        {
            ExpectedCompletionAt = ready,
            SourceEventId = scheduled.Id,
            Appointment = placement.Appointment,
            Reason = placement.Reason,
            UpdatedAt = clock.GetUtcNow(),
        }, cancellationToken);
        return placement.Appointment is { } a
            ? $"forecast: tentative door {a.DoorId} {a.Start:u}-{a.End:u} ({placement.Change})"
            : $"forecast recorded, no door: {placement.Reason}";
    }
}
