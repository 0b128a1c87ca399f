using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.Tendering;

public sealed record SuspendBookingRequest(OrderKey Order, string Reason, TimeSpan CancellationFeeWindow, DateTimeOffset At);

/// <summary>
/// When a held booking must be withdrawn to avoid the carrier's cancellation fee (null: nothing booked), also as the wait
/// from now by the activity's clock (<see cref="WithdrawIn"/>), which the orchestration adds to its own clock.
/// </summary>
public sealed record SuspendBookingResult(bool Booked, DateTimeOffset? WithdrawBy, string Reason, TimeSpan? WithdrawIn = null);

public sealed record WithdrawTenderRequest(OrderKey Order, string Reason, DateTimeOffset At);

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

        BookingSuspension.Decision suspension = BookingSuspension.For(booking, shipment.DockAppointment, carriers.Contract(booking.Scac)?.Cancellation, input.CancellationFeeWindow);
        if (shipment.DockAppointment is { } appointment)
        {
            await scheduling.ReleaseAsync(input.Order.PlantId, input.Order.OrderId, appointment, $"quality hold: {input.Reason}");
        }

        await shipments.UpdateAsync(input.Order, current => current!.SuspendBooking(suspension.Reason, input.At, clock.GetUtcNow()));
        return new SuspendBookingResult(true, suspension.WithdrawBy, suspension.Reason, suspension.WithdrawBy - clock.GetUtcNow());
    }
}

/// <summary>
/// Withdraws a held shipment's accepted tender before the carrier's cancellation-fee window (TONU avoided): the carrier
/// is told through its gateway, the booking is released, and the order is re-tendered after the hold is released.
/// </summary>
public sealed class WithdrawTenderForHold(IShipmentStore shipments, ICarrierGateway gateway, Notifications.IPlannerNotifier notifier, TimeProvider clock) : TaskActivity<WithdrawTenderRequest, bool>
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
        await TenderNotices.WithdrawnAsync(notifier, input.Order, false, booking.TenderId, booking.Scac,
            $"{input.Reason}; withdrawn before the cancellation-fee window (TONU avoided)", untold, input.At);
        return true;
    }
}
