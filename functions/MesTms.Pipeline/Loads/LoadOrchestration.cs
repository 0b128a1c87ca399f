using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Loads;

/// <summary>
/// One instance per closed load (instance id <c>load|{loadId}</c>). The load travels as one shipment: its shipment
/// document is prepared from the orders on it, then rate shopped and tendered (<see cref="CarrierPlanning"/>), and the
/// outcome (carrier, price, pickup) is copied to every order on the load. It then waits for membership changes (a quality
/// hold takes an order off): a material change withdraws the booking and re-plans with fresh tender ids, a small one keeps
/// the booking, and a load left empty is cancelled. Each change continues as new so the history stays small.
/// </summary>
public sealed class LoadOrchestration : TaskOrchestrator<LoadWorkflowInput, LoadWorkflowOutcome>
{
    public const string MembershipChangedEvent = "LoadMembershipChanged";

    public override async Task<LoadWorkflowOutcome> RunAsync(TaskOrchestrationContext context, LoadWorkflowInput input)
    {
        ILogger log = context.CreateReplaySafeLogger<LoadOrchestration>();
        var load = new LoadRequest(input.PlantId, input.LoadId, input.AppClock.Now(context));
        LoadSnapshot snapshot = await context.CallActivityAsync<LoadSnapshot>(nameof(PrepareLoadShipment), load, CarrierPlanning.Retry);
        LoadWorkflowProgress progress = input.Progress;

        if (snapshot.OrderCount == 0)
        {
            await context.CallActivityAsync<bool>(nameof(WithdrawLoadPlan),
                new WithdrawLoadPlanRequest(input.PlantId, input.LoadId, "every order was taken off the load", true, input.AppClock.Now(context)), CarrierPlanning.Retry);
            context.SetCustomStatus(ShipmentStatus.Cancelled);
            log.LogWarning("Load {LoadId}: cancelled, no order left", input.LoadId);
            return LoadWorkflowOutcome.Cancelled;
        }

        if (progress.PlannedRevision != snapshot.Revision)
        {
            if (progress.PlannedRevision is not null)
            {
                await context.CallActivityAsync<bool>(nameof(WithdrawLoadPlan), new WithdrawLoadPlanRequest(input.PlantId, input.LoadId,
                    $"load changed materially (revision {snapshot.Revision}): re-planning the carrier", false, input.AppClock.Now(context)), CarrierPlanning.Retry);
            }

            // A material change while a tender waits for its answer stops the waterfall: the open tender is withdrawn and
            // the rebuilt load is planned afresh (a small change keeps the waterfall going).
            int planning = snapshot.Revision;
            var loadChanged = new WaterfallInterruption(
                cancel => context.WaitForExternalEvent<string>(MembershipChangedEvent, cancel),
                async () => await context.CallActivityAsync<LoadSnapshot>(nameof(ReadLoadSnapshot), load with { At = input.AppClock.Now(context) }, CarrierPlanning.Retry)
                    is var now && (now.Revision != planning || now.OrderCount == 0)
                    ? $"load changed materially while tendering (revision {planning} → {now.Revision}, {now.OrderCount} order(s))"
                    : null);
            CarrierPlanOutcome outcome = await CarrierPlanning.PlanAsync(context, input.AppClock, input.Shipment, input.Policy, snapshot.Revision, s => context.SetCustomStatus(s),
                $"load booked (revision {snapshot.Revision})", loadChanged);
            if (outcome == CarrierPlanOutcome.Interrupted)
            {
                context.ContinueAsNew(input);
                return LoadWorkflowOutcome.Replanning;
            }

            progress = progress with { PlannedRevision = snapshot.Revision };

            log.LogInformation("Load {LoadId}: revision {Revision} planned: {Status}", input.LoadId, snapshot.Revision, outcome);
        }

        await context.CallActivityAsync<ShipmentStatus>(nameof(ApplyLoadOutcome), load with { At = input.AppClock.Now(context) }, CarrierPlanning.Retry);
        context.SetCustomStatus(nameof(LoadWorkflowOutcome.Planned));
        using var cancel = new CancellationTokenSource();
        Task<string> changed = context.WaitForExternalEvent<string>(MembershipChangedEvent, cancel.Token);
        Task<string> delivered = context.WaitForExternalEvent<string>(CarrierStatusService.DeliveredEvent, cancel.Token);
        Task winner = await Task.WhenAny(changed, delivered);
        cancel.Cancel();
        if (winner == delivered)
        {
            // The load's truck delivered: nothing changes on it any more; the instance completes.
            context.SetCustomStatus(ShipmentStatus.Delivered);
            log.LogInformation("Load {LoadId}: delivered; workflow completed", input.LoadId);
            return LoadWorkflowOutcome.Delivered;
        }

        context.ContinueAsNew(input with { Progress = progress });
        return LoadWorkflowOutcome.Planned;
    }
}
