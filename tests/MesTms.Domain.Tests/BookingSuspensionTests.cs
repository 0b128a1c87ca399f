using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

/// <summary>A booked shipment on hold: when its tender is withdrawn, by the booked carrier's own terms — the rule live and replay share.</summary>
public sealed class BookingSuspensionTests
{
    static readonly DateTimeOffset Day = new(2026, 12, 9, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    // door start, confirmed window start, carrier's free hours (0: no terms) → pickup, withdraw by
    [InlineData(10, 8, 12, "10:00", "12-08 22:00")]   // the door decides the pickup; 12 h terms
    [InlineData(null, 8, 12, "08:00", "12-08 20:00")] // no door: the confirmed window
    [InlineData(null, null, 0, "00:00", "12-08 00:00")] // neither: the pickup day; no terms: the 24 h default
    public void The_tender_is_withdrawn_before_the_booked_carriers_fee_window(int? doorHour, int? windowHour, int freeHours, string pickup, string withdrawBy)
    {
        var booking = new Booking("P100.PO-1.T1", "SWFL", "Swiftline", ServiceMode.Ftl, Equipment.DryVan, 900m, "USD", Day.AddDays(-1), DateOnly.FromDateTime(Day.UtcDateTime),
            Day.AddDays(2), windowHour is { } w ? new PickupConfirmation(Day.AddHours(w), Day.AddHours(w + 4), "REF") : null);
        DockAppointment? door = doorHour is { } h ? new DockAppointment("PO-1", "D01", Day.AddHours(h), Day.AddHours(h + 1), Day, 10, "SWFL", DockAppointment.Booked) : null;
        CancellationTerms? terms = freeHours > 0 ? new CancellationTerms(freeHours, 250m) : null;

        BookingSuspension.Decision decision = BookingSuspension.For(booking, door, terms, TimeSpan.FromHours(24));

        Assert.Equal(pickup, decision.Pickup.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(withdrawBy, decision.WithdrawBy.ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(terms is null ? "24 h default cancellation-fee window" : "12 h cancellation-fee window of SWFL's contract, TONU $250.00", decision.Reason);
    }
}
