using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Pipeline.Notifications;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Docks;

/// <summary>Dock scheduling settings, bound from <c>MesTms:Docks</c>.</summary>
public sealed class DockOptions
{
    public const string Section = "MesTms:Docks";

    /// <summary>JSON file with every plant's dock model (relative to the app); empty: dock scheduling off.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>How many days ahead a door is searched when the first day is full.</summary>
    public int MaxDaysAhead { get; set; } = 7;
}

/// <summary>The plants' dock models, loaded and validated once at start-up.</summary>
public sealed class DockCatalog
{
    readonly Dictionary<string, PlantDockModel> plants = new(StringComparer.Ordinal);

    public DockCatalog(DockOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            return;
        }

        string path = Path.IsPathRooted(options.ModelPath) ? options.ModelPath : Path.Combine(AppContext.BaseDirectory, options.ModelPath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{DockOptions.Section}:ModelPath '{path}' does not exist.");
        }

        using FileStream file = File.OpenRead(path);
        foreach (PlantDockModel model in PlantDockModel.Load(file))
        {
            plants[model.PlantId] = model;
        }
    }

    public bool Enabled => plants.Count > 0;

    public PlantDockModel? For(string plantId) => plants.GetValueOrDefault(plantId);

    /// <summary>The pickup calendar rate shopping uses for a plant: the default one, closed on the dock's holidays too.</summary>
    public ShippingCalendar PickupCalendar(string plantId) =>
        For(plantId)?.PickupCalendar(ShippingCalendar.Default) ?? ShippingCalendar.Default;
}

/// <summary>
/// Tells the booked carrier that its dock appointment was set, moved or released: the port the carrier gateways implement
/// (<c>Carriers/CarrierAppointmentNotices</c>), so the dock schedule does not depend on how carriers connect.
/// </summary>
public interface ICarrierAppointmentNotices
{
    /// <returns>Null when the carrier was told; otherwise why the notice could not be delivered.</returns>
    Task<string?> TellAsync(string noticeId, string scac, DateTimeOffset at, DockAppointmentChanged change, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of placing an appointment: where it went, what it replaced, and how it changed.</summary>
public sealed record DockPlacement(DockAppointment? Appointment, DockAppointment? Previous, string Change, string Reason);

/// <summary>
/// Door appointments on the plant-day schedule documents. Placing plans with <see cref="DockScheduler"/> inside an
/// ETag-guarded update of the day's document — concurrent bookings re-read and re-plan, so no door window is ever
/// given twice — keeps an existing appointment where it still fits and nothing earlier is free, moves it otherwise
/// (earlier: pulled forward, later: pushed back), and tells planners and the carrier
/// (<c>mestms.dock.appointment.changed.v1</c>) with the reason.
/// </summary>
public sealed class DockScheduling(
    IDockStore store,
    DockCatalog catalog,
    DockOptions options,
    IPlannerNotifier notifier,
    ICarrierAppointmentNotices carriers,
    TimeProvider clock,
    ILogger<DockScheduling> logger)
{
    public const string Created = DoorPlacement.Created;
    public const string Confirmed = DoorPlacement.Confirmed;
    public const string PulledForward = DoorPlacement.PulledForward;
    public const string PushedBack = DoorPlacement.PushedBack;
    public const string Moved = DoorPlacement.Moved;
    public const string Released = "released";
    public const string NoDoor = "no door";

    public bool Enabled => catalog.Enabled;

    /// <summary>When a carrier can first collect freight ready at <paramref name="ready"/> (the plant's pickup calendar and cut-off).</summary>
    public DateTimeOffset EarliestPickup(string plantId, DateTimeOffset ready) => catalog.PickupCalendar(plantId).EarliestPickup(ready);

    public async Task<DockPlacement> PlaceAsync(string plantId, string shipmentId, DockRequest request, IReadOnlyList<DockAppointment> replacing, string status,
        string why, CancellationToken cancellationToken = default)
    {
        PlantDockModel? model = catalog.For(plantId);
        if (model is null)
        {
            return new DockPlacement(null, null, NoDoor, $"no dock model for plant {plantId} ({DockOptions.Section}:ModelPath)");
        }

        DockAppointment? previous = replacing.OrderBy(a => a.Start).FirstOrDefault();
        var replaced = new HashSet<string>(replacing.Select(r => r.AppointmentId), StringComparer.Ordinal) { request.AppointmentId };
        string lastReason = "no working day in reach";
        foreach (DateOnly day in DockScheduler.CandidateDays(model, request, options.MaxDaysAhead))
        {
            DockAppointment? placed = null;
            string reason = "";
            bool overStaging = false;
            await store.UpdateScheduleAsync(plantId, day, current =>
            {
                DockScheduleDocument schedule = current ?? new DockScheduleDocument { Id = DockScheduleDocument.IdFor(plantId, day), PlantId = plantId, Day = day };
                DockAppointment? done = schedule.Appointments.FirstOrDefault(a => a.AppointmentId == request.AppointmentId && a.Status == status
                    && a.Scac == request.Scac && a.ReadyAt == request.ReadyAt && a.Pallets == request.Pallets);
                if (done is not null)
                {
                    (placed, reason) = (done, "already scheduled");
                    return schedule;
                }

                List<DockAppointment> others = schedule.Appointments.Where(a => !replaced.Contains(a.AppointmentId)).ToList();
                (DockAppointment? planned, string plannedReason) = DoorPlacement.OnDay(model, day, others, request, status, previous);
                (placed, reason) = (planned, plannedReason);
                if (planned is null)
                {
                    return current!;
                }

                overStaging = DockScheduler.ExceedsStaging(model, others, request, planned.End);
                return schedule with { Appointments = [.. others, planned], UpdatedAt = clock.GetUtcNow() };
            }, cancellationToken);

            if (placed is null)
            {
                lastReason = reason;
                continue;
            }

            foreach (DockAppointment old in replacing.Where(r => r.Day != day))
            {
                await RemoveAsync(plantId, old, $"moved to {placed.Day:yyyy-MM-dd}", recordRelease: false, cancellationToken);
            }

            string change = DoorPlacement.Change(previous, placed);
            string full = $"{why}: {reason}";
            await NotifyAsync(plantId, shipmentId, placed, previous, change, full, cancellationToken);
            if (overStaging)
            {
                logger.LogWarning("Dock {Plant}: {Shipment} {Change}: {Reason}", plantId, shipmentId, change, full);
            }
            else
            {
                logger.LogInformation("Dock {Plant}: {Shipment} {Change}: {Reason}", plantId, shipmentId, change, full);
            }
            return new DockPlacement(placed, previous, change, full);
        }

        string none = $"{why}: no door available: {lastReason}";
        await NotifyAsync(plantId, shipmentId, null, previous, NoDoor, none, cancellationToken);
        logger.LogWarning("Dock {Plant}: {Shipment}: {Reason}", plantId, shipmentId, none);
        return new DockPlacement(null, previous, NoDoor, none);
    }

    /// <summary>Takes an appointment off its day's schedule (kept in the day's released list with the reason) and tells planners and the carrier.</summary>
    public async Task ReleaseAsync(string plantId, string shipmentId, DockAppointment appointment, string reason, CancellationToken cancellationToken = default)
    {
        await RemoveAsync(plantId, appointment, reason, recordRelease: true, cancellationToken);
        await NotifyAsync(plantId, shipmentId, null, appointment, Released, reason, cancellationToken);
    }

    async Task RemoveAsync(string plantId, DockAppointment appointment, string reason, bool recordRelease, CancellationToken cancellationToken)
    {
        await store.UpdateScheduleAsync(plantId, appointment.Day, current =>
        {
            DockAppointment? present = current?.Appointments.FirstOrDefault(a => a.AppointmentId == appointment.AppointmentId && a.Start == appointment.Start && a.DoorId == appointment.DoorId);
            if (current is null || present is null)
            {
                return current!;
            }

            return current with
            {
                Appointments = current.Appointments.Where(a => a != present).ToList(),
                Released = recordRelease ? [.. current.Released.TakeLast(199), new ReleasedAppointment(present, clock.GetUtcNow(), reason)] : current.Released,
                UpdatedAt = clock.GetUtcNow(),
            };
        }, cancellationToken);
    }

    async Task NotifyAsync(string plantId, string shipmentId, DockAppointment? now, DockAppointment? before, string change, string reason, CancellationToken cancellationToken)
    {
        DockAppointment? any = now ?? before;
        var data = new DockAppointmentChanged(plantId, shipmentId, any?.AppointmentId ?? shipmentId, change, reason, now?.DoorId, now?.Start, now?.End,
            before?.DoorId, before?.Start, before?.End, now?.Scac ?? before?.Scac, now?.Status);
        string id = $"{plantId}|{shipmentId}|dock|{change}|{(now ?? before)?.DoorId}|{(now ?? before)?.Start.UtcTicks}";
        DateTimeOffset at = clock.GetUtcNow();
        await notifier.PublishAsync(PlannerNotification.Create(id, PlannerNotificationTypes.DockAppointmentChanged, $"plants/{plantId}/shipments/{shipmentId}", at, data), cancellationToken);
        if (data.Scac is { } scac && change != NoDoor)
        {
            string? undelivered = await carriers.TellAsync(id, scac, at, data, cancellationToken);
            if (undelivered is not null)
            {
                logger.LogWarning("Dock {Plant}: appointment notice for {Shipment} not delivered to {Scac}: {Reason}", plantId, shipmentId, scac, undelivered);
            }
        }
    }

    /// <summary>Pallet positions of freight on the dock: stackable units pair up.</summary>
    public static int Pallets(IReadOnlyList<HandlingUnit>? units) => DoorPlacement.Pallets(units);
}
