using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Shipments;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Time;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Events;

/// <summary>
/// Routes a recorded MES event to the workflows. Every route is idempotent: running it again for the same event
/// (after a crash or a redelivery) changes nothing.
/// </summary>
public sealed class MesEventRouter(IMesEventStore events, IQualityHoldStore holds, ShipmentPolicy policy, DockPrePlanning docks, WorkflowClockSource clock,
    ILogger<MesEventRouter> logger)
{
    static readonly OrchestrationRuntimeStatus[] AnyStatus = Enum.GetValues<OrchestrationRuntimeStatus>()
        .Where(s => StartOrchestrationOptionsExtensions.ValidDedupeStatuses.Contains(s)).ToArray();

    /// <param name="claimed">
    /// True when the event's record was written just now as the order's completion claim: nobody else owns the order and no
    /// workflow can exist yet, so it is started without looking first.
    /// </param>
    public async Task<string> RouteAsync(MesEvent mesEvent, DateTimeOffset acceptedAt, DurableTaskClient durable, CancellationToken cancellationToken, bool claimed = false)
    {
        return mesEvent switch
        {
            ProductionCompletedEvent completed => await StartShipmentAsync(completed, acceptedAt, durable, claimed, cancellationToken),
            QualityHoldPlacedEvent placed => await ChangeHoldsAsync(placed.Order, durable,
                ledger => ledger.Place(placed.Data.HoldId, placed.Data.Reason, placed.Data.PlacedAt), $"hold {placed.Data.HoldId} placed", cancellationToken, placed.Data.PlacedAt),
            QualityHoldReleasedEvent released => await ChangeHoldsAsync(released.Order, durable,
                ledger => ledger.Release(released.Data.HoldId, released.Data.ReleasedAt, released.Data.ReleasedBy, released.Data.Note),
                $"hold {released.Data.HoldId} released", cancellationToken, released.Data.ReleasedAt),
            ProductionScheduledEvent scheduled => await docks.PlanAsync(scheduled, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(mesEvent), mesEvent.Type, "No route for this event type."),
        };
    }

    async Task<string> StartShipmentAsync(ProductionCompletedEvent completed, DateTimeOffset acceptedAt, DurableTaskClient durable, bool claimed,
        CancellationToken cancellationToken)
    {
        OrderKey order = completed.Order;
        string instanceId = order.ShipmentInstanceId;

        // One completion per order starts its workflow. The claim in Cosmos settles races between two different
        // completion events (some Durable backends replace a running instance despite dedupe statuses).
        if (!claimed)
        {
            string owner = await events.ClaimCompletionAsync(order, completed.Id, cancellationToken);
            if (owner != completed.Id)
            {
                return $"duplicate completion: order {order} was already completed by event {owner}";
            }

            OrchestrationMetadata? existing = await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
            if (existing is not null)
            {
                return $"shipment workflow {instanceId} already started ({existing.RuntimeStatus})";
            }
        }

        var input = ShipmentWorkflowInput.Start(order, completed.Id, acceptedAt, policy, completed.Data, clock.Current, completed.Data.CompletedAt);
        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(
                nameof(ShipmentOrchestration), input, new StartOrchestrationOptions(instanceId).WithDedupeStatuses(AnyStatus), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // With every status deduplicated, starting an order that already has a workflow fails (the error type
            // differs per backend): never replace it. If the instance exists, this completion is a duplicate.
            OrchestrationMetadata? started = await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
            if (started is null)
            {
                throw;
            }

            return $"shipment workflow {instanceId} already started ({started.RuntimeStatus})";
        }

        logger.LogInformation("Order {Order}: completion {EventId} accepted, shipment workflow {InstanceId} started", order, completed.Id, instanceId);
        return $"started shipment workflow {instanceId}";
    }

    /// <summary>Applies a hold-ledger change and signals the order's workflow (MES events and planner releases alike).</summary>
    public async Task<string> ChangeHoldsAsync(OrderKey order, DurableTaskClient durable,
        Func<QualityHoldLedger, (QualityHoldLedger, bool)> change, string what, CancellationToken cancellationToken, DateTimeOffset? happenedAt = null)
    {
        // The ledger is the truth; the signal only tells a running workflow to read it again. A workflow that does
        // not exist yet reads the ledger when it starts, so a hold that arrives before its completion is not lost.
        // An unchanged ledger still goes on to the door and the signal below (both idempotent): a delivery that changed
        // the ledger and then failed before signalling is routed again on redelivery, and must not lose that signal.
        (QualityHoldLedger ledger, bool changed) = await holds.UpdateAsync(order, change, cancellationToken);
        if (!changed)
        {
            what = $"{what} (no change to the hold ledger)";
        }

        OrchestrationMetadata? instance = await durable.GetInstanceAsync(order.ShipmentInstanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            // Not completed yet: a door planned from the forecast follows the hold here.
            string? door = await docks.FollowHoldsAsync(order, ledger, cancellationToken);
            logger.LogInformation("Order {Order}: {What}; ledger version {Version}, no running workflow yet{Door}", order, what, ledger.Version,
                door is null ? "" : "; " + door);
            return $"{what}: hold ledger version {ledger.Version}; no running shipment workflow, it reads the ledger when it starts" +
                (door is null ? "" : $"; {door}");
        }

        await durable.RaiseEventAsync(order.ShipmentInstanceId, ShipmentOrchestration.QualityHoldChangedEvent, new QualityHoldSignal(ledger.Version, happenedAt), cancellationToken);
        logger.LogInformation("Order {Order}: {What}; ledger version {Version}, workflow signalled", order, what, ledger.Version);
        return $"{what}: hold ledger version {ledger.Version}; shipment workflow signalled";
    }
}
