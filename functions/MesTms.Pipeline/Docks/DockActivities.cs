using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask;

namespace MesTms.Pipeline.Docks;

public sealed record ScheduleDockRequest(OrderKey Shipment, string Why, DateTimeOffset At);

/// <summary>What the workflow needs to know after an appointment was placed: the window, or why there is none.</summary>
public sealed record DockResult(bool Scheduled, string Change, DateTimeOffset? Start, string Reason);

public sealed record ForecastDoorReleaseRequest(OrderKey Order, string Reason, DateTimeOffset At);

/// <summary>Records a dock decision on a shipment (and, for a load, on each order on it).</summary>
public static class DockDecisions
{
    public static async Task RecordAsync(IShipmentStore shipments, Shipment shipment, DockAppointment? appointment, string key, string decision,
        string reason, DateTimeOffset at, TimeProvider clock)
    {
        await shipments.UpdateMembersAsync(shipment, andLoad: true, current => current.ScheduleDock(appointment, key, decision, reason, at, clock.GetUtcNow()));
    }
}

/// <summary>
/// Reserves the booked shipment's (or load's) door and window inside the carrier's pickup window, earliest first from the
/// moment the freight is ready; an appointment planned from a forecast (the order's, or each order's on a load) is kept
/// where it still fits, or moved.
/// </summary>
public sealed class ScheduleDock(IShipmentStore shipments, DockScheduling scheduling, TimeProvider clock) : TaskActivity<ScheduleDockRequest, DockResult>
{
    public override async Task<DockResult> RunAsync(TaskActivityContext context, ScheduleDockRequest input)
    {
        if (!scheduling.Enabled)
        {
            return BookedDoor.Off;
        }

        Shipment shipment = await shipments.GetAsync(input.Shipment) ?? throw new InvalidOperationException($"Shipment {input.Shipment} does not exist.");
        return await BookedDoor.ReserveAsync(shipments, scheduling, clock, shipment, input.Why, input.At);
    }
}

/// <summary>The door of a booked shipment: reserved by <see cref="ScheduleDock"/>, and by <see cref="BookShipment"/> right after booking.</summary>
public static class BookedDoor
{
    public static readonly DockResult Off = new(false, "off", null, "dock scheduling is off (no dock model)");

    /// <param name="notBefore">The door is wanted from this moment at the earliest (a late truck that arrived then).</param>
    public static async Task<DockResult> ReserveAsync(IShipmentStore shipments, DockScheduling scheduling, TimeProvider clock, Shipment shipment, string why, DateTimeOffset at,
        DateTimeOffset? notBefore = null)
    {
        if (!scheduling.Enabled)
        {
            return Off;
        }

        Booking booking = shipment.Booking ?? throw new InvalidOperationException($"Shipment {shipment.PlantId}/{shipment.OrderId} is not booked; a door is reserved after booking.");
        var replacing = new List<DockAppointment>();
        if (shipment.DockAppointment is { } own)
        {
            replacing.Add(own);
        }

        // Never before the bridge knew the freight was ready (its ready decision), nor before the booking's moment.
        DateTimeOffset ready = shipment.ReadyAt ?? notBefore ?? at;
        foreach (string member in shipment.MemberOrderIds)
        {
            Shipment? order = await shipments.GetAsync(new OrderKey(shipment.PlantId, member));
            if (order?.DockAppointment is { } tentative)
            {
                replacing.Add(tentative);
            }

            if (order?.ReadyAt is { } memberReady && memberReady > ready)
            {
                ready = memberReady;
            }
        }

        DockRequest request = DoorPlacement.ForBooking(shipment.OrderId, booking, DockScheduling.Pallets(shipment.HandlingUnits), shipment.Temperature is not null,
            shipment.Hazmat is not null, ready, notBefore, at);
        DockPlacement placement = await scheduling.PlaceAsync(shipment.PlantId, shipment.OrderId, request, replacing, DockAppointment.Booked,
            $"{why}; {booking.Scac} picks up {request.PickupFrom:u}-{request.PickupTo:u}");
        string key = BookedDoorDecisionKey.For(booking.TenderId, placement.Change, placement.Appointment);
        await DockDecisions.RecordAsync(shipments, shipment, placement.Appointment, key,
            placement.Appointment is null ? "No dock door" : $"Dock appointment {placement.Change}", placement.Reason, at, clock);
        return new DockResult(placement.Appointment is not null, placement.Change, placement.Appointment?.Start, placement.Reason);
    }
}

/// <summary>
/// An order not (yet) booked went on quality hold — before or after its completion: the door planned for it from the
/// forecast goes back to the schedule (planners and, where one is named, the carrier are told). A door is reserved again
/// once the order is released and booked.
/// </summary>
public sealed class ReleaseForecastDoorForHold(IShipmentStore shipments, IDockStore docks, DockScheduling scheduling, TimeProvider clock)
    : TaskActivity<ForecastDoorReleaseRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ForecastDoorReleaseRequest input)
    {
        if (!scheduling.Enabled)
        {
            return false;
        }

        Shipment? shipment = await shipments.GetAsync(input.Order);
        DockForecastDocument? forecast = await docks.GetForecastAsync(input.Order.PlantId, input.Order.OrderId);
        DockAppointment? tentative = shipment?.DockAppointment is { Status: DockAppointment.Tentative } own ? own
            : forecast?.Appointment is { Status: DockAppointment.Tentative } planned ? planned : null;
        if (tentative is null)
        {
            return false;
        }

        string reason = $"quality hold: {input.Reason}";
        await scheduling.ReleaseAsync(input.Order.PlantId, input.Order.OrderId, tentative, reason);
        if (forecast?.Appointment is not null)
        {
            await docks.UpdateForecastAsync(input.Order.PlantId, input.Order.OrderId,
                current => current! with { Appointment = null, Reason = reason, UpdatedAt = clock.GetUtcNow() });
        }

        if (shipment is not null)
        {
            await shipments.UpdateAsync(input.Order, current => current!.ReleaseTentativeDoor(tentative, reason, input.At, clock.GetUtcNow()));
        }

        return true;
    }
}
