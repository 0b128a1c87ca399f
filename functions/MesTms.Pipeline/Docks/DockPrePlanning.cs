using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain;
using MesTms.Pipeline.Storage;

namespace MesTms.Pipeline.Docks;

/// <summary>
/// Plans a tentative door appointment from a production forecast (<c>mes.production.scheduled.v1</c>), so the dock
/// is reserved before the freight exists; a later forecast for the same order moves it. The actual completion then
/// pulls it forward or pushes it back (<see cref="Workflows.MarkReadyToShip"/>). Idempotent per forecast.
/// Until the order completes, its quality holds are followed here too: a held order keeps no door, and gets one again
/// from its forecast when every hold is released (after completion the shipment workflow owns the door).
/// </summary>
public sealed class DockPrePlanning(
    IDockStore docks, IShipmentStore shipments, IQualityHoldStore holds, DockScheduling scheduling, DockOptions options, TimeProvider clock)
{
    public async Task<string> PlanAsync(ProductionScheduledEvent scheduled, CancellationToken cancellationToken = default)
    {
        OrderKey order = scheduled.Order;
        ProductionScheduled data = scheduled.Data;
        if (!scheduling.Enabled)
        {
            return $"forecast recorded: {order} expected at {data.ExpectedCompletionAt:u} (dock scheduling is off)";
        }

        bool ready = (await shipments.GetAsync(order, cancellationToken))?.ReadyAt is not null;
        DockForecastDocument? known = ready ? null : await docks.GetForecastAsync(order.PlantId, order.OrderId, cancellationToken);
        // The holds matter only when the forecast changes anything: they are read after the rule said so (one read fewer).
        ForecastDoorStep step = DoorPlacement.OnForecast(ready, known?.ExpectedCompletionAt, known?.Appointment is not null, data.ExpectedCompletionAt, onHold: false);
        if (step.Action == ForecastDoorAction.None)
        {
            return ready ? $"forecast recorded: {order} {step.Why}" : $"forecast unchanged: {order} door {known!.Appointment!.DoorId} {known.Appointment.Start:u}";
        }

        QualityHoldLedger ledger = await holds.GetAsync(order, cancellationToken);
        step = DoorPlacement.OnForecast(ready, known?.ExpectedCompletionAt, known?.Appointment is not null, data.ExpectedCompletionAt, ledger.IsOnHold);

        var needs = new DockForecastDocument
        {
            Id = DockForecastDocument.IdFor(order.PlantId, order.OrderId),
            PlantId = order.PlantId,
            OrderId = order.OrderId,
            ExpectedCompletionAt = data.ExpectedCompletionAt,
            SourceEventId = scheduled.Id,
            Pallets = DockScheduling.Pallets(data.HandlingUnits),
            Reefer = data.Temperature is not null,
            Hazmat = data.Hazmat is not null,
            Appointment = known?.Appointment,
        };
        if (step.Action == ForecastDoorAction.Release)
        {
            string held = HeldReason(ledger);
            await ReleaseAsync(order, needs, held, cancellationToken);
            return $"forecast recorded, no door: {held}";
        }

        return await PlaceAsync(order, needs, step.ReadyAt!.Value, step.Why, cancellationToken);
    }

    /// <summary>
    /// A hold placed or released before the order completed: a held order gives its forecast door back; once every hold
    /// is released it gets a tentative door again, from its forecast (or from now, when that has passed). Null when
    /// there is nothing to do here (no forecast, or the order completed and its workflow owns the door).
    /// </summary>
    public async Task<string?> FollowHoldsAsync(OrderKey order, QualityHoldLedger ledger, CancellationToken cancellationToken = default)
    {
        if (!scheduling.Enabled || (await shipments.GetAsync(order, cancellationToken))?.ReadyAt is not null)
        {
            return null;
        }

        DockForecastDocument? forecast = await docks.GetForecastAsync(order.PlantId, order.OrderId, cancellationToken);
        ForecastDoorStep step = DoorPlacement.OnHoldsChanged(false, forecast is not null, forecast?.Appointment is not null, ledger.IsOnHold,
            forecast?.ExpectedCompletionAt ?? default, clock.GetUtcNow());
        return step.Action switch
        {
            ForecastDoorAction.Release => await ReleaseAsync(order, forecast!, HeldReason(ledger), cancellationToken),
            ForecastDoorAction.Place => await PlaceAsync(order, forecast!, step.ReadyAt!.Value, step.Why, cancellationToken),
            _ => null,
        };
    }

    static string HeldReason(QualityHoldLedger ledger) =>
        $"quality hold before completion: {QualityHold.Describe(ledger.Active)}";

    async Task<string> PlaceAsync(OrderKey order, DockForecastDocument forecast, DateTimeOffset ready, string why, CancellationToken cancellationToken)
    {
        // No door before a carrier can come: freight forecast after the pickup cut-off waits for the next pickup day.
        DateTimeOffset pickup = scheduling.EarliestPickup(order.PlantId, ready);
        DockRequest request = DoorPlacement.ForForecast(order.OrderId, forecast.Pallets, forecast.Reefer, forecast.Hazmat, ready, pickup, options.MaxDaysAhead);
        DockPlacement placement = await scheduling.PlaceAsync(order.PlantId, order.OrderId, request, forecast.Appointment is { } previous ? [previous] : [],
            DockAppointment.Tentative, why, cancellationToken);
        await SaveAsync(order, forecast with { Appointment = placement.Appointment, Reason = placement.Reason }, cancellationToken);
        return placement.Appointment is { } a
            ? $"forecast: tentative door {a.DoorId} {a.Start:u}-{a.End:u} ({placement.Change})"
            : $"forecast recorded, no door: {placement.Reason}";
    }

    async Task<string> ReleaseAsync(OrderKey order, DockForecastDocument forecast, string reason, CancellationToken cancellationToken)
    {
        if (forecast.Appointment is { } appointment)
        {
            await scheduling.ReleaseAsync(order.PlantId, order.OrderId, appointment, reason, cancellationToken);
        }

        await SaveAsync(order, forecast with { Appointment = null, Reason = reason }, cancellationToken);
        return forecast.Appointment is { } released ? $"forecast door {released.DoorId} {released.Start:u} released: {reason}" : reason;
    }

    Task<DockForecastDocument> SaveAsync(OrderKey order, DockForecastDocument forecast, CancellationToken cancellationToken) =>
        docks.UpdateForecastAsync(order.PlantId, order.OrderId, current => (current ?? forecast) with
        {
            ExpectedCompletionAt = forecast.ExpectedCompletionAt,
            SourceEventId = forecast.SourceEventId,
            Pallets = forecast.Pallets,
            Reefer = forecast.Reefer,
            Hazmat = forecast.Hazmat,
            Appointment = forecast.Appointment,
            Reason = forecast.Reason,
            UpdatedAt = clock.GetUtcNow(),
        }, cancellationToken);
}
