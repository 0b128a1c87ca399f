namespace MesTms.Domain.Docks;

/// <summary>What needs a door: the freight, when it is actually ready, and the carrier's pickup window.</summary>
public sealed record DockRequest(
    string AppointmentId,
    string? Scac,
    int Pallets,
    bool Reefer,
    bool Hazmat,
    DateTimeOffset ReadyAt,
    DateTimeOffset PickupFrom,
    DateTimeOffset PickupTo);

/// <summary>
/// A door reserved for a window. Status: Tentative (planned from a forecast), Booked (carrier known). <see cref="ArrivedAt"/> and
/// <see cref="DepartedAt"/>: when the truck really came and left, as its carrier reported.
/// </summary>
public sealed record DockAppointment(
    string AppointmentId,
    string DoorId,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset ReadyAt,
    int Pallets,
    string? Scac,
    string Status,
    DateTimeOffset? ArrivedAt = null,
    DateTimeOffset? DepartedAt = null)
{
    public const string Tentative = "Tentative";
    public const string Booked = "Booked";

    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => Start < end && start < End;

    public DateOnly Day => DateOnly.FromDateTime(Start.UtcDateTime);
}

/// <summary>
/// Plans door appointments, earliest first: the window starts at the first slot boundary at or after the later of
/// the moment the freight is actually ready, the carrier's pickup-window start and the dock opening, and must end by
/// the dock closing and the pickup-window end. Doors are tried least special first (standard, then reefer or hazmat)
/// so special doors stay free for the freight that needs them; a door is free when no appointment overlaps. The
/// staging check reports how many pallets wait on the dock floor at the busiest moment of the new freight's stay.
/// Deterministic for the same schedule and request.
/// </summary>
public static class DockScheduler
{
    /// <summary>Said in the reason of an appointment that leaves more freight on the dock floor than it holds.</summary>
    public const string OverStaging = "over staging capacity, make room or hold production";

    public static (DockAppointment? Appointment, string Reason) Plan(
        PlantDockModel model, DateOnly day, IReadOnlyList<DockAppointment> existing, DockRequest request, string status)
    {
        if (!model.IsOpen(day))
        {
            return (null, $"{model.PlantId} dock is closed on {day:yyyy-MM-dd}");
        }

        List<DockDoor> doors = model.Doors.Where(d => d.CanServe(request.Reefer, request.Hazmat))
            .OrderBy(d => d.Specialness).ThenBy(d => d.DoorId, StringComparer.Ordinal).ToList();
        if (doors.Count == 0)
        {
            return (null, $"no door at {model.PlantId} can load {(request.Reefer ? "reefer " : "")}{(request.Hazmat ? "hazmat " : "")}freight");
        }

        TimeSpan duration = model.LoadingTime(request.Pallets);
        DateTimeOffset open = model.OpensOn(day), close = model.ClosesOn(day);
        DateTimeOffset earliest = Max(Max(request.ReadyAt, request.PickupFrom), open);
        DateTimeOffset latest = request.PickupTo < close ? request.PickupTo : close;
        DateTimeOffset start = RoundUp(earliest, open, model.Slot);
        for (; start + duration <= latest; start += model.Slot)
        {
            DateTimeOffset end = start + duration;
            foreach (DockDoor door in doors)
            {
                if (existing.Any(a => a.DoorId == door.DoorId && a.AppointmentId != request.AppointmentId && a.Overlaps(start, end)))
                {
                    continue;
                }

                int peak = StagingPeak(existing, request, end);
                return (new DockAppointment(request.AppointmentId, door.DoorId, start, end, request.ReadyAt, request.Pallets, request.Scac, status),
                    $"door {door.DoorId} {start:HH:mm}-{end:HH:mm} on {day:yyyy-MM-dd} ({request.Pallets} pallets, {duration.TotalMinutes:0} min); " +
                    (peak > model.StagingPallets
                        ? $"staging peak {peak} pallets exceeds the dock's {model.StagingPallets}: {OverStaging}"
                        : $"staging peak {peak} of {model.StagingPallets} pallets"));
            }
        }

        return (null, earliest >= latest
            ? $"freight ready {request.ReadyAt:u} / pickup from {request.PickupFrom:u}: nothing fits before {latest:u} on {day:yyyy-MM-dd}"
            : $"every door that fits is taken from {earliest:u} until {latest:u} on {day:yyyy-MM-dd}");
    }

    /// <summary>Days worth trying, from the day the freight is ready and the carrier can come, up to <paramref name="days"/> ahead.</summary>
    public static IEnumerable<DateOnly> CandidateDays(PlantDockModel model, DockRequest request, int days)
    {
        DateOnly first = DateOnly.FromDateTime(Max(request.ReadyAt, request.PickupFrom).UtcDateTime);
        for (int i = 0; i < days; i++)
        {
            DateOnly day = first.AddDays(i);
            if (model.IsOpen(day) && model.OpensOn(day) < request.PickupTo)
            {
                yield return day;
            }
        }
    }

    /// <summary>True when the new freight, loaded at <paramref name="loadedAt"/>, would leave more pallets on the floor than staging holds.</summary>
    public static bool ExceedsStaging(PlantDockModel model, IReadOnlyList<DockAppointment> existing, DockRequest request, DateTimeOffset loadedAt) =>
        StagingPeak(existing, request, loadedAt) > model.StagingPallets;

    /// <summary>Most pallets on the dock floor at once while the new freight waits (ready → loaded).</summary>
    public static int StagingPeak(IReadOnlyList<DockAppointment> existing, DockRequest request, DateTimeOffset loadedAt)
    {
        IEnumerable<DateTimeOffset> moments = existing.Select(a => a.ReadyAt).Where(t => t >= request.ReadyAt && t < loadedAt).Append(request.ReadyAt);
        return moments.Max(t => request.Pallets + existing.Where(a => a.AppointmentId != request.AppointmentId && a.ReadyAt <= t && a.End > t).Sum(a => a.Pallets));
    }

    static DateTimeOffset RoundUp(DateTimeOffset at, DateTimeOffset origin, TimeSpan slot)
    {
        if (at <= origin)
        {
            return origin;
        }

        long slots = (long)Math.Ceiling((at - origin).Ticks / (double)slot.Ticks);
        return origin + TimeSpan.FromTicks(slots * slot.Ticks);
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>
/// Dock figures of a plant-day: door utilisation, freight dwell (ready → loaded) and the most pallets waiting on the
/// dock floor at once (ready, not yet loaded) against the staging capacity.
/// </summary>
public sealed record DockKpis(int Appointments, double DoorUtilisation, double AverageDwellMinutes, double MedianDwellMinutes,
    int StagingPeakPallets = 0, int StagingCapacityPallets = 0)
{
    public bool StagingExceeded => StagingPeakPallets > StagingCapacityPallets;

    public static DockKpis For(PlantDockModel model, DateOnly day, IReadOnlyList<DockAppointment> appointments)
    {
        double capacity = model.DoorMinutes(day);
        double used = appointments.Sum(a => (a.End - a.Start).TotalMinutes);
        List<double> dwell = appointments.Select(a => Math.Max(0, (a.End - a.ReadyAt).TotalMinutes)).Order().ToList();
        int staged = appointments.Count == 0 ? 0
            : appointments.Max(at => appointments.Where(a => a.ReadyAt <= at.ReadyAt && a.End > at.ReadyAt).Sum(a => a.Pallets));
        return new DockKpis(appointments.Count, capacity == 0 ? 0 : Math.Round(used / capacity, 4),
            dwell.Count == 0 ? 0 : Math.Round(dwell.Average(), 1), dwell.Count == 0 ? 0 : dwell[dwell.Count / 2], staged, model.StagingPallets);
    }
}
