using MesTms.Domain;
using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask;

namespace MesTms.Pipeline.Workflows;

public sealed record ScheduleDockRequest(OrderKey Shipment, string Why, DateTimeOffset At);

/// <summary>What the workflow needs to know after an appointment was placed: the window, or why there is none.</summary>
public sealed record DockResult(bool Scheduled, string Change, DateTimeOffset? Start, string Reason);

public sealed record SuspendBookingRequest(OrderKey Order, string Reason, TimeSpan CancellationFeeWindow, DateTimeOffset At);

/// <summary>
/// When a held booking must be withdrawn to avoid the carrier's cancellation fee (null: nothing booked), also as the wait
/// from now by the activity's clock (<see cref="WithdrawIn"/>), which the orchestration adds to its own clock.
/// </summary>
public sealed record SuspendBookingResult(bool Booked, DateTimeOffset? WithdrawBy, string Reason, TimeSpan? WithdrawIn = null);

public sealed record WithdrawTenderRequest(OrderKey Order, string Reason, DateTimeOffset At);

public sealed record ForecastDoorReleaseRequest(OrderKey Order, string Reason, DateTimeOffset At);

/// <summary>Records a dock decision on a shipment (and, for a load, on each order on it).</summary>
internal static class DockDecisions
{
    public static async Task RecordAsync(IShipmentStore shipments, Shipment shipment, DockAppointment? appointment, string key, string decision,
        string reason, DateTimeOffset at, TimeProvider clock)
    {
        foreach (OrderKey target in shipment.MemberOrderIds.Select(m => new OrderKey(shipment.PlantId, m)).Prepend(new OrderKey(shipment.PlantId, shipment.OrderId)))
        {
            await shipments.UpdateAsync(target, current => current?.ScheduleDock(appointment, key, decision, reason, at, clock.GetUtcNow())!);
        }
    }
}

/// <summary>
/// Records the order ready to ship (the lifecycle's ready decision), then applies the actual completion to an appointment
/// planned from a forecast (<c>mes.production.scheduled.v1</c>): an order ready earlier than forecast is pulled forward
/// when a door allows it, a later one is pushed back. One activity for both: the door follows the moment it is ready.
/// </summary>
public sealed class MarkReadyToShip(IShipmentStore shipments, IDockStore docks, DockScheduling scheduling, TimeProvider clock)
    : TaskActivity<ShipmentDecisionRequest, DockResult>
{
    public override async Task<DockResult> RunAsync(TaskActivityContext context, ShipmentDecisionRequest decision)
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

        DateTimeOffset ready = shipment.ReadyAt ?? clock.GetUtcNow();
        // The door follows the actual output, but never before a carrier can collect it: after the pickup cut-off (or on
        // a day without pickups) it moves to the next pickup day, so booking does not have to push it back again.
        DateTimeOffset pickup = scheduling.EarliestPickup(input.PlantId, ready);
        var request = new DockRequest(input.OrderId, null, DockScheduling.Pallets(shipment.HandlingUnits), shipment.Temperature is not null, shipment.Hazmat is not null,
            ready, pickup, pickup.AddDays(7));
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
internal static class BookedDoor
{
    public static readonly DockResult Off = new(false, "off", null, "dock scheduling is off (no dock model)");

    public static async Task<DockResult> ReserveAsync(IShipmentStore shipments, DockScheduling scheduling, TimeProvider clock, Shipment shipment, string why, DateTimeOffset at)
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

        DateTimeOffset ready = shipment.ReadyAt ?? at;
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

        DateTimeOffset pickupFrom = booking.PickupConfirmation?.PickupFrom ?? new DateTimeOffset(booking.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        DateTimeOffset pickupTo = booking.PickupConfirmation?.PickupTo ?? pickupFrom.AddDays(1);
        var request = new DockRequest(shipment.OrderId, booking.Scac, DockScheduling.Pallets(shipment.HandlingUnits), shipment.Temperature is not null,
            shipment.Hazmat is not null, ready, pickupFrom, pickupTo);
        DockPlacement placement = await scheduling.PlaceAsync(shipment.PlantId, shipment.OrderId, request, replacing, DockAppointment.Booked,
            $"{why}; {booking.Scac} picks up {pickupFrom:u}-{pickupTo:u}");
        string key = $"dock-{booking.TenderId}-{placement.Change}-{placement.Appointment?.DoorId}-{placement.Appointment?.Start:yyyyMMddHHmm}";
        await DockDecisions.RecordAsync(shipments, shipment, placement.Appointment, key,
            placement.Appointment is null ? "No dock door" : $"Dock appointment {placement.Change}", placement.Reason, at, clock);
        return new DockResult(placement.Appointment is not null, placement.Change, placement.Appointment?.Start, placement.Reason);
    }
}

/// <summary>
/// A booked shipment went on quality hold: its door is released for other freight, and the latest moment to withdraw
/// the tender without a cancellation fee (pickup − the carrier's window) is returned.
/// </summary>
public sealed class SuspendBookingForHold(IShipmentStore shipments, DockScheduling scheduling, CarrierCatalog carriers, TimeProvider clock)
    : TaskActivity<SuspendBookingRequest, SuspendBookingResult>
{
    public override async Task<SuspendBookingResult> RunAsync(TaskActivityContext context, SuspendBookingRequest input)
    {
        Shipment? shipment = await shipments.GetAsync(input.Order);
        if (shipment?.Booking is not { } booking)
        {
            return new SuspendBookingResult(false, null, "not booked");
        }

        DateTimeOffset pickup = shipment.DockAppointment?.Start ?? booking.PickupConfirmation?.PickupFrom
            ?? new DateTimeOffset(booking.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        // The booked carrier's contract decides the window; the configured default serves carriers without terms.
        (DateTimeOffset withdrawBy, string basis) = CancellationTerms.WithdrawalDeadline(
            carriers.Contract(booking.Scac)?.Cancellation, booking.Scac, pickup, input.CancellationFeeWindow);
        if (shipment.DockAppointment is { } appointment)
        {
            await scheduling.ReleaseAsync(input.Order.PlantId, input.Order.OrderId, appointment, $"quality hold: {input.Reason}");
        }

        string reason = $"Booking with {booking.Scac} kept for now; door released. Pickup {pickup:u}: the tender is withdrawn at {withdrawBy:u} " +
            $"({basis}) unless the hold is released first";
        await shipments.UpdateAsync(input.Order, current => current!.SuspendBooking(reason, input.At, clock.GetUtcNow()));
        return new SuspendBookingResult(true, withdrawBy, reason, withdrawBy - clock.GetUtcNow());
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

/// <summary>
/// Withdraws a held shipment's accepted tender before the carrier's cancellation-fee window (TONU avoided): the carrier
/// is told through its gateway, the booking is released, and the order is re-tendered after the hold is released.
/// </summary>
public sealed class WithdrawTenderForHold(IShipmentStore shipments, ICarrierGateway gateway, TimeProvider clock) : TaskActivity<WithdrawTenderRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, WithdrawTenderRequest input)
    {
        Shipment? shipment = await shipments.GetAsync(input.Order);
        if (shipment?.Booking is not { } booking)
        {
            return false;
        }

        string? untold = await CarrierWithdrawals.TellAsync(gateway, booking.TenderId, booking.Scac, input.At,
            new { tenderId = booking.TenderId, plantId = input.Order.PlantId, orderId = input.Order.OrderId, reason = input.Reason, pickupDay = booking.PickupDay });
        string reason = $"{input.Reason}; tender {booking.TenderId} to {booking.Scac} withdrawn before the cancellation-fee window (TONU avoided)" +
            (untold is null ? "" : $"; {untold}");
        await shipments.UpdateAsync(input.Order, current => current!.WithdrawBooking(input.Reason, reason, input.At, clock.GetUtcNow()));
        return true;
    }
}
