using MesTms.Domain.Shipments;

namespace MesTms.Domain.Docks;

/// <summary>
/// Door placement: which door a shipment asks for and when, where an appointment goes on one day's schedule, and how it
/// changed — the rules the dock activities and the plant-day replay share, so no "which door, when" rule lives in an
/// activity. <see cref="DockScheduler"/> finds the first free door; this decides what to ask it and what to keep.
/// </summary>
public static class DoorPlacement
{
    public const string Created = "created";
    public const string Confirmed = "confirmed";
    public const string PulledForward = "pulled forward";
    public const string PushedBack = "pushed back";
    public const string Moved = "moved";

    /// <summary>
    /// The door a booked shipment asks for: its freight ready at <paramref name="ready"/> (the latest of its orders), the
    /// truck within the carrier's confirmed pickup window (else from the start of the pickup day, for a day), and not before
    /// <paramref name="notBefore"/> when a late truck arrived then; never before <paramref name="now"/>, the moment it is
    /// reserved (freight ready since 09:05 and booked at 09:40 cannot load at 09:30).
    /// </summary>
    public static DockRequest ForBooking(string shipmentId, Booking booking, int pallets, bool reefer, bool hazmat, DateTimeOffset ready, DateTimeOffset? notBefore = null,
        DateTimeOffset? now = null)
    {
        DateTimeOffset pickupFrom = booking.PickupConfirmation?.PickupFrom ?? new DateTimeOffset(booking.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        DateTimeOffset pickupTo = booking.PickupConfirmation?.PickupTo ?? pickupFrom.AddDays(1);
        DateTimeOffset wanted = notBefore is { } arrived && arrived > ready ? arrived : ready;
        wanted = now is { } reserved && reserved > wanted ? reserved : wanted;
        return new DockRequest(shipmentId, booking.Scac, pallets, reefer, hazmat, wanted, pickupFrom, pickupTo);
    }

    /// <summary>
    /// The tentative door an order asks for from its forecast (before it exists): ready at the expected completion (or now,
    /// when that passed), never before a carrier can come (<paramref name="earliestPickup"/>: after the pickup cut-off the
    /// next pickup day), within <paramref name="daysAhead"/> days of it.
    /// </summary>
    public static DockRequest ForForecast(string orderId, int pallets, bool reefer, bool hazmat, DateTimeOffset ready, DateTimeOffset earliestPickup, int daysAhead) =>
        new(orderId, null, pallets, reefer, hazmat, ready, earliestPickup, earliestPickup.AddDays(daysAhead));

    /// <summary>
    /// What a forecast does to the order's tentative door: nothing once the order is ready (its door follows the actual
    /// output) or when it repeats the known expected completion and a door stands; a held order gives its door back;
    /// otherwise the door is planned (or moved) against the expected completion.
    /// </summary>
    public static ForecastDoorStep OnForecast(bool orderReady, DateTimeOffset? knownExpected, bool hasDoor, DateTimeOffset expected, bool onHold) =>
        orderReady ? new(ForecastDoorAction.None, null, "already completed, its door follows the actual output")
        : knownExpected == expected && hasDoor ? new(ForecastDoorAction.None, null, "forecast unchanged")
        : onHold ? new(ForecastDoorAction.Release, null, "quality hold before completion")
        : new(ForecastDoorAction.Place, expected, knownExpected is { } before
            ? $"forecast moved from {before:u} to {expected:u}"
            : $"planned against forecast completion {expected:u}");

    /// <summary>
    /// A hold placed or released before the order is ready: a held order gives its forecast door back; once every hold is
    /// released it gets one again, from its forecast (or from now, when that has passed).
    /// </summary>
    public static ForecastDoorStep OnHoldsChanged(bool orderReady, bool hasForecast, bool hasDoor, bool onHold, DateTimeOffset expected, DateTimeOffset now)
    {
        if (orderReady || !hasForecast || (!onHold && hasDoor))
        {
            return new(ForecastDoorAction.None, null, "nothing to do");
        }

        if (onHold)
        {
            return hasDoor ? new(ForecastDoorAction.Release, null, "quality hold before completion") : new(ForecastDoorAction.None, null, "held, no door");
        }

        DateTimeOffset ready = expected > now ? expected : now;
        return new(ForecastDoorAction.Place, ready, $"all quality holds released before completion; planned against forecast completion {ready:u}");
    }

    /// <summary>
    /// A door planned from a forecast follows the actual output: ready when the order really was, never before a carrier
    /// can collect it (so booking need not push it back again), within a week of that. Its tender goes out
    /// <paramref name="now"/>, so the carrier's earliest pickup is reckoned from the later of the two: freight completed at
    /// 15:59 and heard of at 16:01 misses a 16:00 cut-off.
    /// </summary>
    public static DockRequest ForActualOutput(string orderId, int pallets, bool reefer, bool hazmat, DateTimeOffset ready, DateTimeOffset now,
        Func<DateTimeOffset, DateTimeOffset> earliestPickup)
    {
        DateTimeOffset pickup = earliestPickup(ready > now ? ready : now);
        return new(orderId, null, pallets, reefer, hazmat, ready, pickup, pickup.AddDays(7));
    }

    /// <summary>Pallet positions of freight on the dock: stackable units pair up; at least one.</summary>
    public static int Pallets(IReadOnlyList<Events.HandlingUnit>? units) => units is null || units.Count == 0 ? 1 : Math.Max(1, Events.FloorPositions.For(units));

    /// <summary>
    /// Places <paramref name="request"/> on <paramref name="day"/> among <paramref name="others"/>: the first free door from
    /// <see cref="DockScheduler.Plan"/>, except that an existing appointment (<paramref name="previous"/>) is kept where it
    /// still fits and nothing earlier is free, so a truck is not moved for nothing.
    /// </summary>
    public static (DockAppointment? Appointment, string Reason) OnDay(PlantDockModel model, DateOnly day, IReadOnlyList<DockAppointment> others, DockRequest request,
        string status, DockAppointment? previous)
    {
        (DockAppointment? planned, string reason) = DockScheduler.Plan(model, day, others, request, status);
        if (previous is not null && previous.Day == day && (planned is null || planned.Start >= previous.Start) && StillFits(model, previous, request, others))
        {
            DockAppointment kept = previous with
            {
                AppointmentId = request.AppointmentId, Status = status, Scac = request.Scac, ReadyAt = request.ReadyAt, Pallets = request.Pallets,
                End = previous.Start + model.LoadingTime(request.Pallets),
            };
            return (kept, $"door {kept.DoorId} {kept.Start:HH:mm}-{kept.End:HH:mm} on {day:yyyy-MM-dd} kept");
        }

        return (planned, reason);
    }

    /// <summary>How an appointment changed from <paramref name="previous"/>: created, pulled forward, pushed back, moved (another door) or confirmed.</summary>
    public static string Change(DockAppointment? previous, DockAppointment placed) =>
        previous is null ? Created
        : placed.Start < previous.Start ? PulledForward
        : placed.Start > previous.Start ? PushedBack
        : placed.DoorId != previous.DoorId ? Moved
        : Confirmed;

    static bool StillFits(PlantDockModel model, DockAppointment previous, DockRequest request, IReadOnlyList<DockAppointment> others)
    {
        DateTimeOffset end = previous.Start + model.LoadingTime(request.Pallets);
        return previous.Start >= request.ReadyAt && previous.Start >= request.PickupFrom && end <= request.PickupTo && end <= model.ClosesOn(previous.Day)
            && model.Doors.Any(d => d.DoorId == previous.DoorId && d.CanServe(request.Reefer, request.Hazmat))
            && !others.Any(a => a.DoorId == previous.DoorId && a.Overlaps(previous.Start, end));
    }
}

/// <summary>What to do with an order's tentative door from its forecast.</summary>
public enum ForecastDoorAction
{
    None,
    Release,

    /// <summary>Plan (or move) the tentative door, ready at <see cref="ForecastDoorStep.ReadyAt"/>.</summary>
    Place,
}

/// <summary>A forecast door decision: the action, from when the door is wanted (to place) and why.</summary>
public sealed record ForecastDoorStep(ForecastDoorAction Action, DateTimeOffset? ReadyAt, string Why);
