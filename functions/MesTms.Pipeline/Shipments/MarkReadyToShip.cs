using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask;

namespace MesTms.Pipeline.Shipments;

/// <summary>The ready step's outcome: where the forecast door went, and the rate shop when it rated too.</summary>
public sealed record ReadyToShipResult(DockResult Door, RateShipmentResult? Rated);

/// <summary>
/// Records the order ready to ship (the lifecycle's ready decision), then applies the actual completion to an appointment
/// planned from a forecast (<c>mes.production.scheduled.v1</c>): an order ready earlier than forecast is pulled forward
/// when a door allows it, a later one is pushed back. One activity for both: the door follows the moment it is ready.
/// </summary>
/// <remarks>
/// With <see cref="ShipmentDecisionRequest.RateAfter"/> (an order about to be rate shopped) it then rates the shipment and
/// sends the first tender too: one activity and one orchestration episode for what were three of each.
/// </remarks>
public sealed class MarkReadyToShip(IShipmentStore shipments, IDockStore docks, DockScheduling scheduling, ShipmentRating rating, TimeProvider clock)
    : TaskActivity<ShipmentDecisionRequest, ReadyToShipResult>
{
    public override async Task<ReadyToShipResult> RunAsync(TaskActivityContext context, ShipmentDecisionRequest decision)
    {
        DockResult door = await RecordReadyAsync(decision);
        return new ReadyToShipResult(door, decision.RateAfter is { } rate ? await rating.RateAsync(rate) : null);
    }

    async Task<DockResult> RecordReadyAsync(ShipmentDecisionRequest decision)
    {
        await RecordShipmentDecision.RecordAsync(shipments, clock, decision);
        OrderKey input = decision.Order;
        if (!scheduling.Enabled)
        {
            return new DockResult(false, "off", null, "dock scheduling is off (no dock model)");
        }

        // A door planned from a forecast always has its forecast document (the shipment's copy is cleared with it): without
        // one there is nothing to move, and the shipment need not be read.
        DockForecastDocument? forecast = await docks.GetForecastAsync(input.PlantId, input.OrderId);
        if (forecast is null)
        {
            return new DockResult(false, "none", null, "no appointment planned from a forecast");
        }

        Shipment shipment = await shipments.GetAsync(input) ?? throw new InvalidOperationException($"Shipment {input} does not exist.");
        DockAppointment? planned = shipment.DockAppointment ?? forecast.Appointment;
        if (planned is null || planned.Status != DockAppointment.Tentative)
        {
            return new DockResult(planned is not null, "none", planned?.Start, "no appointment planned from a forecast");
        }

        DateTimeOffset now = decision.Decision.At; // the ready decision's moment (when the completion happened), not when this ran
        DateTimeOffset ready = shipment.FreightReadyAt ?? now;
        DockRequest request = DoorPlacement.ForActualOutput(input.OrderId, DockScheduling.Pallets(shipment.HandlingUnits), shipment.Temperature is not null, shipment.Hazmat is not null,
            ready, now, at => scheduling.EarliestPickup(input.PlantId, at));
        DateTimeOffset pickup = request.PickupFrom;
        DateTimeOffset expected = forecast.ExpectedCompletionAt;
        TimeSpan off = ready - expected;
        string why = (off < TimeSpan.Zero
            ? $"actual completion, ready {ready:u}, {-off.TotalMinutes:0} min earlier than the forecast {expected:u}"
            : $"actual completion, ready {ready:u}, {off.TotalMinutes:0} min later than the forecast {expected:u}") +
            (pickup > ready ? $"; first carrier pickup {pickup:u} (after the cut-off or not a pickup day)" : "");
        DockPlacement placement = await scheduling.PlaceAsync(input.PlantId, input.OrderId, request, [planned], DockAppointment.Tentative, why);
        await DockDecisions.RecordAsync(shipments, shipment, placement.Appointment, $"dock-actual-{placement.Change}", $"Dock appointment {placement.Change}", placement.Reason, ready, clock);
        await docks.UpdateForecastAsync(input.PlantId, input.OrderId, current => current! with { Appointment = placement.Appointment, Reason = placement.Reason, UpdatedAt = clock.GetUtcNow() });

        return new DockResult(placement.Appointment is not null, placement.Change, placement.Appointment?.Start, placement.Reason);
    }
}
