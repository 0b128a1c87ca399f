using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

/// <summary>Door placement: what a booked shipment asks for, what is kept, and how a change is named — as a table.</summary>
public sealed class DoorPlacementTests
{
    static readonly DateOnly Day = new(2026, 11, 25); // a Wednesday

    static readonly PlantDockModel Model = new("P100",
        [new DockDoor("S01", [DoorCapability.Standard]), new DockDoor("S02", [DoorCapability.Standard]), new DockDoor("R01", [DoorCapability.Standard, DoorCapability.Reefer])],
        new TimeOnly(6, 0), new TimeOnly(22, 0), [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], [], 30, 15, 1.5m, 240);

    static DateTimeOffset At(int hour, int minute = 0) => new(Day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    static Booking Booked(PickupConfirmation? confirmation) =>
        new("P100.PO-1.T1", "SWFL", "Swiftline", ServiceMode.Ftl, Equipment.DryVan, 900m, "USD", At(8), Day, At(8).AddDays(2), confirmation);

    [Theory]
    // confirmation window, truck arrived (late), freight ready → the request's ready, pickup from, pickup to
    [InlineData(null, null, 9, "09:00 00:00 00:00+1")]                 // no confirmation: the pickup day, for a day
    [InlineData("10:00-14:00", null, 9, "09:00 10:00 14:00")]          // the carrier's window
    [InlineData("10:00-14:00", "12:30", 9, "12:30 10:00 14:00")]       // a late truck: not before it came
    [InlineData("10:00-14:00", "08:00", 9, "09:00 10:00 14:00")]       // arrived before the freight was ready: the freight decides
    public void A_booked_shipment_asks_for_its_freight_ready_the_carriers_window_and_the_trucks_arrival(string? window, string? arrived, int readyHour, string expected)
    {
        Asks(window, arrived, readyHour, null, expected);
    }

    [Theory]
    // freight ready, reserved at → the request's ready: a door is never asked for before the moment it is reserved
    [InlineData(9, "09:40", "09:40 00:00 00:00+1")]
    [InlineData(9, "08:30", "09:00 00:00 00:00+1")]
    public void A_booked_shipment_never_asks_for_a_door_before_the_moment_it_is_reserved(int readyHour, string reservedAt, string expected) =>
        Asks(null, null, readyHour, At(int.Parse(reservedAt[..2]), int.Parse(reservedAt[3..])), expected);

    static void Asks(string? window, string? arrived, int readyHour, DateTimeOffset? now, string expected)
    {
        PickupConfirmation? confirmation = window is null ? null
            : new PickupConfirmation(At(int.Parse(window[..2])), At(int.Parse(window[6..8])), "REF");
        DateTimeOffset? notBefore = arrived is null ? null : At(int.Parse(arrived[..2]), int.Parse(arrived[3..]));
        DockRequest request = DoorPlacement.ForBooking("PO-1", Booked(confirmation), 18, false, false, At(readyHour), notBefore, now);

        string Show(DateTimeOffset t) => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + (t.Date > At(0).Date ? "+1" : "");
        Assert.Equal(expected, $"{Show(request.ReadyAt)} {Show(request.PickupFrom)} {Show(request.PickupTo)}");
        Assert.Equal(("PO-1", "SWFL", 18), (request.AppointmentId, request.Scac, request.Pallets));
    }

    static DockRequest Request(DateTimeOffset ready) => new("PO-1", "SWFL", 18, false, false, ready, At(0), At(23, 59));

    static readonly DockAppointment Previous = new("PO-1", "S02", At(11), At(12), At(10), 18, "SWFL", DockAppointment.Booked);

    [Theory]
    // freight ready, what else is booked → where the appointment goes, how it changed
    [InlineData(11, "", "S02 11:00 kept confirmed")]                              // still fits, nothing earlier: kept (not moved to S01)
    [InlineData(10, "", "S01 10:00 pulled forward")]                              // a door is free earlier: pulled forward
    [InlineData(8, "S01 08:00-11:00", "S02 08:00 pulled forward")]                 // its own door is free earlier: pulled forward on it
    [InlineData(11, "S02 11:00-12:00", "S01 11:00 moved")]                         // its door was taken → another door at the same time
    [InlineData(13, "", "S01 13:00 pushed back")]                                 // ready later than the appointment → pushed back
    public void An_existing_appointment_is_kept_where_it_still_fits_and_nothing_earlier_is_free(int ready, string others, string expected)
    {
        List<DockAppointment> taken = others.Length == 0 ? []
            : [new DockAppointment("OTHER", others[..3], At(int.Parse(others[4..6])), At(int.Parse(others[10..12])), At(6), 18, "HRTL", DockAppointment.Booked)];
        (DockAppointment? placed, string reason) = DoorPlacement.OnDay(Model, Day, taken, Request(At(ready)), DockAppointment.Booked, Previous);

        Assert.NotNull(placed);
        string kept = reason.EndsWith(" kept", StringComparison.Ordinal) ? " kept" : "";
        Assert.Equal(expected, $"{placed.DoorId} {placed.Start:HH:mm}{kept} {DoorPlacement.Change(Previous, placed)}");
    }

    [Fact]
    public void A_first_appointment_is_created()
    {
        (DockAppointment? placed, _) = DoorPlacement.OnDay(Model, Day, [], Request(At(9)), DockAppointment.Booked, previous: null);
        Assert.Equal(DoorPlacement.Created, DoorPlacement.Change(null, placed!));
    }
}

/// <summary>The forecast door rules the live dock pre-planning and the replay share.</summary>
public sealed class ForecastDoorTests
{
    static readonly DateTimeOffset Expected = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

    [Theory]
    // order ready, known expected completion (hours before Expected; null: none), a door stands, on hold → action, ready at
    [InlineData(true, null, false, false, "None -")]           // completed: its door follows the actual output
    [InlineData(false, 0, true, false, "None -")]              // the same forecast again with its door: unchanged
    [InlineData(false, 0, false, false, "Place 14:00")]        // the same forecast but no door (lost to a hold): planned again
    [InlineData(false, 2, true, false, "Place 14:00")]         // moved
    [InlineData(false, null, false, false, "Place 14:00")]     // first forecast
    [InlineData(false, 2, true, true, "Release -")]            // held before completion: no door
    public void A_forecast_plans_moves_keeps_or_releases_the_tentative_door(bool ready, int? knownHoursBefore, bool hasDoor, bool onHold, string expected)
    {
        ForecastDoorStep step = DoorPlacement.OnForecast(ready, knownHoursBefore is { } h ? Expected.AddHours(-h) : null, hasDoor, Expected, onHold);
        Assert.Equal(expected, $"{step.Action} {step.ReadyAt?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
    }

    [Theory]
    // order ready, a forecast exists, a door stands, on hold, now (hour) → action, ready at
    [InlineData(true, true, true, true, 9, "None -")]          // ready: the workflow owns the door
    [InlineData(false, false, false, true, 9, "None -")]       // no forecast
    [InlineData(false, true, true, true, 9, "Release -")]      // held: the door goes back
    [InlineData(false, true, false, true, 9, "None -")]        // held, no door to give back
    [InlineData(false, true, false, false, 9, "Place 14:00")]  // released before the expected completion: from the forecast
    [InlineData(false, true, false, false, 16, "Place 16:00")] // released after it: from now
    [InlineData(false, true, true, false, 9, "None -")]        // released and the door stands
    public void Holds_before_readiness_release_and_replan_the_forecast_door(bool ready, bool hasForecast, bool hasDoor, bool onHold, int nowHour, string expected)
    {
        ForecastDoorStep step = DoorPlacement.OnHoldsChanged(ready, hasForecast, hasDoor, onHold, Expected, new DateTimeOffset(Expected.Date.AddHours(nowHour), TimeSpan.Zero));
        Assert.Equal(expected, $"{step.Action} {step.ReadyAt?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
    }
}
