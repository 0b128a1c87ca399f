using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.CarrierStatuses;

/// <summary>A carrier's status for one of its booked tenders (the JSON form of an EDI 214 AT7).</summary>
/// <param name="Status">arrived-at-pickup, departed-pickup, arrived-at-delivery or delivered.</param>
/// <param name="At">When it happened, by the carrier's clock (with its offset).</param>
public sealed record CarrierStatusUpdate(string Status, DateTimeOffset? At, string? Reason = null, string? City = null, string? State = null, string? Scac = null);

/// <summary>What became of a status: recorded or a duplicate, and where the shipment stands now.</summary>
public sealed record CarrierStatusReceipt(string TenderId, string Status, string Outcome, ShipmentStatus ShipmentStatus, bool? PickedUpOnTime, bool? DeliveredOnTime);

/// <summary>
/// Data of <c>mestms.shipment.departed.v1</c>, <c>mestms.shipment.delivered.v1</c> and <c>mestms.shipment.pickup.late.v1</c>:
/// the shipment (an order, or a load with its orders), its carrier and tender, what happened and when, and the judgement.
/// </summary>
public sealed record CarrierStatusNotice(
    string PlantId, string ShipmentId, IReadOnlyList<string> Orders, string Scac, string TenderId, string Status, DateTimeOffset At, string Summary,
    DateTimeOffset PickupDue, DateTimeOffset DeliveryDue, bool? PickedUpOnTime, bool? DeliveredOnTime, double? LateByMinutes, double? DetentionMinutes, string? Location);

public enum CarrierStatusOutcome
{
    Recorded,
    Duplicate,
    UnknownTender,
    WrongCarrier,

    /// <summary>The tender is not (or no longer) the shipment's booking, or the shipment is not booked.</summary>
    NotBooked,

    /// <summary>Dated too far after the bridge's clock (<see cref="CarrierOptions.StatusClockSkew"/>): stored as refused, never applied.</summary>
    FromTheFuture,
}

/// <summary>
/// Takes a carrier's status for a booked tender (from the JSON route or an EDI 214) and makes it facts: the shipment (a
/// load's and each of its orders') records it under ETags through <see cref="CarrierProgressRules"/>; the door's real arrival
/// and departure go on the dock schedule, and a late truck's door is moved to the first free one from its arrival; the
/// carrier's observed on-time pick-up and delivery rates move (once per tender); planners hear of departures, deliveries
/// and late pick-ups; the orders' workflows learn the freight left, so nothing plans it again. A repeated status changes
/// nothing and notifies nothing new (notification ids come from the tender and the status).
/// </summary>
public sealed class CarrierStatusService(
    ITenderStore tenders,
    IShipmentStore shipments,
    IDockStore docks,
    DockScheduling scheduling,
    ICarrierPerformanceStore performance,
    CarrierCatalog catalog,
    CarrierOptions options,
    IPlannerNotifier notifier,
    ShipmentPolicy policy,
    TimeProvider clock,
    ILogger<CarrierStatusService> logger)
{
    public const string DepartedEvent = "CarrierDeparted";

    /// <summary>Raised on the order workflows (and the load's) once the freight is delivered: their instances complete.</summary>
    public const string DeliveredEvent = "CarrierDelivered";

    /// <summary>A workflow that completed (delivered, purged) is not signalled again: a repeated status changes nothing.</summary>
    static async Task RaiseIfRunningAsync(DurableTaskClient durable, string instanceId, string name, string tenderId, CancellationToken cancellationToken)
    {
        OrchestrationMetadata? instance = await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { IsCompleted: false })
        {
            await durable.RaiseEventAsync(instanceId, name, tenderId, cancellationToken);
        }
    }

    /// <summary>Why a status dated <paramref name="at"/> is refused as coming from the future, or null (the rule is <see cref="CarrierProgressRules.FromTheFuture"/>).</summary>
    public string? Refuses(DateTimeOffset at, DateTimeOffset now) => CarrierProgressRules.FromTheFuture(at, now, options.StatusClockSkew);

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<(CarrierStatusOutcome Outcome, Shipment? Shipment, string? Why)> RecordAsync(string tenderId, string? scac, CarrierStatusReport report,
        DurableTaskClient? durable, CancellationToken cancellationToken = default)
    {
        TenderDocument? tender = await tenders.GetAsync(tenderId, cancellationToken);
        if (tender is null)
        {
            return (CarrierStatusOutcome.UnknownTender, null, $"No tender '{tenderId}'.");
        }

        if (scac is not null && !string.Equals(scac, tender.Scac, StringComparison.OrdinalIgnoreCase))
        {
            return (CarrierStatusOutcome.WrongCarrier, null, $"Tender '{tenderId}' was not sent to {scac}.");
        }

        DateTimeOffset now = clock.GetUtcNow();
        if (Refuses(report.At, now) is { } future)
        {
            await tenders.RecordRefusedStatusAsync(tenderId, new RefusedCarrierStatus(report.Code, report.At, now, future), cancellationToken);
            logger.LogWarning("Tender {TenderId}: {Scac} reported {Status} {Reason}: refused", tenderId, tender.Scac, report.Code, future);
            return (CarrierStatusOutcome.FromTheFuture, null, future);
        }

        var key = new OrderKey(tender.PlantId, tender.OrderId);
        CarrierStatusEffect effect = CarrierStatusEffect.Unchanged;
        Shipment shipment = await shipments.UpdateAsync(key, current =>
        {
            if (current is null)
            {
                effect = CarrierStatusEffect.Refused($"shipment {key} does not exist");
                return current!;
            }

            (Shipment next, effect) = CarrierProgressRules.Apply(current, tenderId, report, policy, now);
            return next;
        }, cancellationToken);
        if (effect.Refusal is { } refusal)
        {
            return (CarrierStatusOutcome.NotBooked, shipment, refusal);
        }

        // The orders on a load travel on its truck: each records the same facts (their booking is the load's).
        await shipments.UpdateMembersAsync(shipment, andLoad: false, current => CarrierProgressRules.Apply(current, tenderId, report, policy, now).Next, cancellationToken);

        // Everything below is keyed by the tender and the status, so a repeated report (or a retry after a failure half-way)
        // converges without doing anything twice.
        ShipmentProgress progress = shipment.Progress!;
        await RecordDockAsync(shipment, progress, cancellationToken);
        await ObserveAsync(tender.Scac, tenderId, progress, cancellationToken);
        await NotifyAsync(shipment, progress, report, cancellationToken);
        if (durable is not null && shipment.HasLeft)
        {
            string signal = shipment.Status == ShipmentStatus.Delivered ? DeliveredEvent : DepartedEvent;
            foreach (string order in shipment.IsLoad ? shipment.MemberOrderIds : [shipment.OrderId])
            {
                await RaiseIfRunningAsync(durable, new OrderKey(shipment.PlantId, order).ShipmentInstanceId, signal, tenderId, cancellationToken);
            }

            if (shipment.IsLoad && signal == DeliveredEvent)
            {
                await RaiseIfRunningAsync(durable, WorkflowInstanceIds.Load(shipment.OrderId), DeliveredEvent, tenderId, cancellationToken);
            }
        }

        if (effect.Recorded)
        {
            logger.LogInformation("Shipment {Plant}/{Shipment}: {Scac} reported {Status} at {At}", shipment.PlantId, shipment.OrderId, tender.Scac, report.Code, report.At);
        }

        return (effect.Recorded ? CarrierStatusOutcome.Recorded : CarrierStatusOutcome.Duplicate, shipment, null);
    }

    /// <summary>The truck's real arrival and departure go on its appointment; a late truck's door is moved to what is free from its arrival.</summary>
    async Task RecordDockAsync(Shipment shipment, ShipmentProgress progress, CancellationToken cancellationToken)
    {
        if (shipment.DockAppointment is not { } door)
        {
            return;
        }

        if (scheduling.Enabled && CarrierProgressRules.DoorFollowsTruckFrom(progress, door) is { } arrived)
        {
            DockResult moved = await BookedDoor.ReserveAsync(shipments, scheduling, clock, shipment,
                $"{progress.Scac} arrived {ShipmentLifecycle.FormatDuration(progress.PickupLateBy!.Value)} late", arrived, notBefore: arrived);
            shipment = await shipments.GetAsync(new OrderKey(shipment.PlantId, shipment.OrderId), cancellationToken) ?? shipment;
            logger.LogWarning("Dock {Plant}: late carrier {Scac} for {Shipment}: door {Change}", shipment.PlantId, progress.Scac, shipment.OrderId, moved.Change);
            if (shipment.DockAppointment is not { } placed)
            {
                return;
            }

            door = placed;
        }

        DockAppointment actual = CarrierProgressRules.OnDoor(progress, door);
        if (actual == door)
        {
            return;
        }

        await docks.UpdateScheduleAsync(shipment.PlantId, door.Day, current => current is null ? current! : current with
        {
            Appointments = current.Appointments.Select(a => a.AppointmentId == door.AppointmentId && a.DoorId == door.DoorId && a.Start == door.Start
                ? a with { ArrivedAt = actual.ArrivedAt, DepartedAt = actual.DepartedAt }
                : a).ToList(),
        }, cancellationToken);
        await shipments.UpdateMembersAsync(shipment, andLoad: true, current => current.DockAppointment is { } own && own.AppointmentId == door.AppointmentId
            && own.Start == door.Start && own != actual
                ? current with { DockAppointment = actual, UpdatedAt = clock.GetUtcNow() }
                : current, cancellationToken);
    }

    async Task ObserveAsync(string scac, string tenderId, ShipmentProgress progress, CancellationToken cancellationToken)
    {
        // Observed figures start from the contract's; a carrier without one is not ranked, so nothing is kept for it.
        if (catalog.Contract(scac)?.Performance is not { } initial)
        {
            return;
        }

        if (progress.PickedUpOnTime is { } pickedUp)
        {
            await performance.ObserveAsync(scac, initial, $"{tenderId}|pickup", deliveredOnTime: null, tenderAccepted: null, cancellationToken, pickedUpOnTime: pickedUp);
        }

        if (progress.DeliveredOnTime is { } delivered)
        {
            await performance.ObserveAsync(scac, initial, $"{tenderId}|delivery", deliveredOnTime: delivered, tenderAccepted: null, cancellationToken);
        }
    }

    /// <summary>
    /// The notices of the status just reported (again on a repeat: a retry after a failure half-way must not lose one). Each
    /// carries only what was known once its fact was, so the same id always has the same content.
    /// </summary>
    async Task NotifyAsync(Shipment shipment, ShipmentProgress progress, CarrierStatusReport report, CancellationToken cancellationToken)
    {
        string subject = shipment.IsLoad ? $"plants/{shipment.PlantId}/loads/{shipment.OrderId}" : $"plants/{shipment.PlantId}/shipments/{shipment.OrderId}";
        IReadOnlyList<string> orders = shipment.IsLoad ? shipment.MemberOrderIds : [shipment.OrderId];
        string id = $"{shipment.PlantId}|{shipment.OrderId}|{progress.TenderId}";
        string Summary(string code) => shipment.Decisions.FirstOrDefault(d => d.Key == $"carrier-{code}-{progress.TenderId}")?.Reason ?? code;
        CarrierStatusNotice Notice(string status, DateTimeOffset at, bool? deliveredOnTime, double? lateBy, string summary) => new(shipment.PlantId, shipment.OrderId,
            orders, progress.Scac, progress.TenderId, status, at, summary, progress.PickupDue, progress.DeliveryDue, progress.PickedUpOnTime, deliveredOnTime, lateBy,
            status == CarrierStatusCodes.ArrivedAtPickup ? null : progress.Detention?.TotalMinutes, progress.LastLocation);

        if (report.Code is CarrierStatusCodes.ArrivedAtPickup or CarrierStatusCodes.DepartedPickup && progress.PickedUpOnTime == false
            && (progress.ArrivedAtPickup ?? progress.DepartedPickup) is { } cameAt)
        {
            string late = $"{progress.Scac} came {ShipmentLifecycle.FormatDuration(progress.PickupLateBy!.Value)} after its dock appointment at {progress.PickupDue:u}" +
                $" (grace {ShipmentLifecycle.FormatDuration(policy.LatePickupGrace)}); the door follows the truck";
            await notifier.PublishAsync(PlannerNotification.Create($"{id}|pickup-late", PlannerNotificationTypes.PickupLate, subject, cameAt,
                Notice(CarrierStatusCodes.ArrivedAtPickup, cameAt, null, progress.PickupLateBy.Value.TotalMinutes, late) with { DetentionMinutes = null }), cancellationToken);
        }

        if (report.Code == CarrierStatusCodes.DepartedPickup && progress.DepartedPickup is { } departed)
        {
            await notifier.PublishAsync(PlannerNotification.Create($"{id}|departed", PlannerNotificationTypes.ShipmentDeparted, subject, departed,
                Notice(CarrierStatusCodes.DepartedPickup, departed, null, progress.PickupLateBy?.TotalMinutes, Summary(CarrierStatusCodes.DepartedPickup))), cancellationToken);
        }

        if (report.Code == CarrierStatusCodes.Delivered && progress.DeliveredAt is { } delivered)
        {
            await notifier.PublishAsync(PlannerNotification.Create($"{id}|delivered", PlannerNotificationTypes.ShipmentDelivered, subject, delivered,
                Notice(CarrierStatusCodes.Delivered, delivered, progress.DeliveredOnTime, progress.DeliveryLateBy?.TotalMinutes, Summary(CarrierStatusCodes.Delivered))), cancellationToken);
        }
    }
}
