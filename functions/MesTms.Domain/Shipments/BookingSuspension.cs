using MesTms.Domain.Docks;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Shipments;

/// <summary>
/// A booked shipment put on quality hold keeps its carrier for now and gives its door back; its tender is withdrawn at the
/// deadline of the booked carrier's cancellation terms (<see cref="CancellationTerms.WithdrawalDeadline"/>, before its
/// pickup: the door, else the confirmed window, else the pickup day) unless the hold is released first. One rule for the
/// live activity and the plant-day replay.
/// </summary>
public static class BookingSuspension
{
    public sealed record Decision(DateTimeOffset Pickup, DateTimeOffset WithdrawBy, string Reason);

    public static Decision For(Booking booking, DockAppointment? door, CancellationTerms? terms, TimeSpan defaultWindow)
    {
        DateTimeOffset pickup = door?.Start ?? booking.PickupConfirmation?.PickupFrom
            ?? new DateTimeOffset(booking.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        // The booked carrier's contract decides the window; the configured default serves carriers without terms.
        (DateTimeOffset withdrawBy, string basis) = CancellationTerms.WithdrawalDeadline(terms, booking.Scac, pickup, defaultWindow);
        return new Decision(pickup, withdrawBy, $"Booking with {booking.Scac} kept for now; door released. Pickup {pickup:u}: the tender is withdrawn at {withdrawBy:u} " +
            $"({basis}) unless the hold is released first");
    }
}
