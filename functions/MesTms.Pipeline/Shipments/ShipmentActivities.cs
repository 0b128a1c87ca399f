using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Telemetry;
using Microsoft.DurableTask;

namespace MesTms.Pipeline.Shipments;

/// <summary>
/// The completion events as the webhook recorded them, for instances started before the workflow carried the completion
/// (the Events feature's store answers it).
/// </summary>
public interface IRecordedCompletions
{
    Task<ProductionCompleted?> ReadCompletionAsync(OrderKey order, string eventId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Creates the shipment document from the accepted completion event and returns the order's quality holds.
/// Running it twice changes nothing.
/// </summary>
public sealed class RegisterShipment(IRecordedCompletions events, IShipmentStore shipments, IQualityHoldStore holds, TimeProvider clock)
    : TaskActivity<RegisterShipmentRequest, QualityHoldSnapshot>
{
    public override async Task<QualityHoldSnapshot> RunAsync(TaskActivityContext context, RegisterShipmentRequest input)
    {
        Task<QualityHoldLedger> ledger = holds.GetAsync(input.Order);
        ProductionCompleted completed = input.Completed ?? await ReadCompletionAsync(input);
        bool created = false;
        await shipments.CreateIfAbsentAsync(input.Order, () =>
        {
            created = true;
            return Shipment.Register(input.Order, completed, input.SourceEventId, input.AcceptedAt, input.At, clock.GetUtcNow());
        });
        if (created)
        {
            MesTmsTelemetry.TimeToFirstAction.Record(Math.Max(0, (clock.GetUtcNow() - input.AcceptedAt).TotalSeconds));
        }

        QualityHoldLedger current = await ledger;
        return new QualityHoldSnapshot(current.Version, current.Active);
    }

    async Task<ProductionCompleted> ReadCompletionAsync(RegisterShipmentRequest input) =>
        await events.ReadCompletionAsync(input.Order, input.SourceEventId)
            ?? throw new InvalidOperationException($"Completion event {input.SourceEventId} of {input.Order} is not recorded.");
}

/// <summary>Reads the order's quality-hold ledger (the truth; signals only say "look again").</summary>
public sealed class ReadQualityHolds(IQualityHoldStore holds) : TaskActivity<OrderKey, QualityHoldSnapshot>
{
    public override async Task<QualityHoldSnapshot> RunAsync(TaskActivityContext context, OrderKey input)
    {
        QualityHoldLedger ledger = await holds.GetAsync(input);
        return new QualityHoldSnapshot(ledger.Version, ledger.Active);
    }
}

/// <summary>Sets the shipment's status and appends a decision, once per decision key.</summary>
public sealed class RecordShipmentDecision(IShipmentStore shipments, TimeProvider clock) : TaskActivity<ShipmentDecisionRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ShipmentDecisionRequest input)
    {
        await RecordAsync(shipments, clock, input);
        return true;
    }

    internal static Task<Shipment> RecordAsync(IShipmentStore shipments, TimeProvider clock, ShipmentDecisionRequest input)
    {
        ShipmentDecision decision = input.Decision;
        return shipments.UpdateAsync(input.Order, current => (current ?? throw new InvalidOperationException(
                $"Shipment {input.Order} does not exist; it is registered before any decision."))
            .Decide(decision.Key, decision.At, decision.Decision, decision.Reason, clock.GetUtcNow(), s => s with { ActiveHolds = input.ActiveHolds }, decision.Status));
    }
}

/// <summary>Alerts planners that an order has been on quality hold too long, and records that it did.</summary>
public sealed class EscalateQualityHold(IPlannerNotifier notifier, IShipmentStore shipments, TimeProvider clock)
    : TaskActivity<QualityHoldEscalationRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, QualityHoldEscalationRequest input)
    {
        OrderKey order = input.Order;
        await notifier.PublishAsync(PlannerNotification.Create(
            $"{order.PlantId}|{order.OrderId}|{input.DecisionKey}",
            PlannerNotificationTypes.QualityHoldEscalated,
            $"plants/{order.PlantId}/orders/{order.OrderId}",
            input.At,
            new QualityHoldEscalated(order.PlantId, order.OrderId, input.ActiveHolds, input.HeldSince, input.EscalateAfter)));

        var decision = new ShipmentDecision(input.DecisionKey, input.At, ShipmentStatus.OnQualityHold, "Quality hold escalated",
            $"On hold since {input.HeldSince:u}, longer than the {input.EscalateAfter} allowed: planners notified " +
            $"({string.Join(", ", input.ActiveHolds.Select(h => h.HoldId))})");
        await RecordShipmentDecision.RecordAsync(shipments, clock, new ShipmentDecisionRequest(order, decision, input.ActiveHolds));
        return true;
    }
}
