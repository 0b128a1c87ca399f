using MesTms.Domain.Loads;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.CarrierStatuses;
using MesTms.Pipeline.Time;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Loads;

/// <summary>
/// One instance per closed load (instance id <c>load|{loadId}</c>): interprets <see cref="LoadLifecycle"/> in real time. The
/// load travels as one shipment: its shipment document is prepared from the orders on it, then rate shopped and tendered
/// (<see cref="CarrierPlanning"/>), and the outcome is copied to every order on the load; a material change withdraws the
/// booking and re-plans with fresh tender ids, a small one keeps it, a load left empty is cancelled and a delivered one
/// completes. Each change continues as new so the history stays small. The rules are the lifecycle's.
/// </summary>
public sealed class LoadOrchestration : TaskOrchestrator<LoadWorkflowInput, LoadWorkflowOutcome>
{
    public const string MembershipChangedEvent = "LoadMembershipChanged";

    public override async Task<LoadWorkflowOutcome> RunAsync(TaskOrchestrationContext context, LoadWorkflowInput input)
    {
        var state = new LoadLifecycleState { PlannedRevision = input.Progress.PlannedRevision };
        LoadEvent happened = new LoadEvent.Started();
        // The first planning is dated by the moment the load closed, not by when this ran.
        DecisionClock decisions = input.Decisions();
        while (true)
        {
            LoadStep step = LoadLifecycle.Next(state, happened);
            state = step.State;
            LoadEvent? answer = null;
            foreach (LoadCommand command in step.Commands)
            {
                answer = await CarryOutAsync(context, input, decisions, command);
            }

            LoadCommand last = step.Commands[^1];
            if (last.Ends)
            {
                Log(context).LogInformation("Load {LoadId}: {Phase}; workflow completed", input.LoadId, state.Phase);
                return state.Phase == LoadPhase.Cancelled ? LoadWorkflowOutcome.Cancelled : LoadWorkflowOutcome.Delivered;
            }

            if (last is LoadCommand.Restart)
            {
                // The next episode starts with a fresh history: planned afresh (a stopped waterfall) or after a change.
                context.ContinueAsNew(input with { Progress = input.Progress with { PlannedRevision = state.PlannedRevision } });
                return state.Phase == LoadPhase.Planning ? LoadWorkflowOutcome.Replanning : LoadWorkflowOutcome.Planned;
            }

            happened = answer ?? throw new InvalidOperationException($"The load lifecycle's last command {last} gave no answer in phase {state.Phase}.");
        }
    }

    static async Task<LoadEvent?> CarryOutAsync(TaskOrchestrationContext context, LoadWorkflowInput input, DecisionClock decisions, LoadCommand command)
    {
        var load = new LoadRequest(input.PlantId, input.LoadId, decisions.Now(context));
        switch (command)
        {
            case LoadCommand.Prepare:
                LoadSnapshot snapshot = await context.CallActivityAsync<LoadSnapshot>(nameof(PrepareLoadShipment), load, CarrierPlanning.Retry);
                if (snapshot.ChangedAt is { } changed && (decisions.Fact is not { } known || changed > known))
                {
                    decisions.Arrived(changed); // planned as of the load's last change (a member's hold), not when this ran
                }

                return new LoadEvent.Prepared(snapshot.Revision, snapshot.OrderCount);
            case LoadCommand.WithdrawPlan withdraw:
                await context.CallActivityAsync<bool>(nameof(WithdrawLoadPlan),
                    new WithdrawLoadPlanRequest(input.PlantId, input.LoadId, withdraw.Reason, withdraw.Cancel, load.At), CarrierPlanning.Retry);
                if (withdraw.Cancel)
                {
                    Log(context).LogWarning("Load {LoadId}: cancelled, no order left", input.LoadId);
                }

                return null;
            case LoadCommand.PlanCarrier plan:
                return new LoadEvent.CarrierPlanned(await PlanCarrierAsync(context, input, decisions, load, plan.Revision));
            case LoadCommand.ApplyOutcome:
                await context.CallActivityAsync<ShipmentStatus>(nameof(ApplyLoadOutcome), load, CarrierPlanning.Retry);
                return null;
            case LoadCommand.ShowStatus show:
                context.SetCustomStatus(show.Status);
                return null;
            case LoadCommand.WaitForChange:
                LoadEvent change = await WaitForChangeAsync(context);
                decisions.Arrived(null); // a membership change or delivery is known as of when it arrives
                return change;
            case LoadCommand.Restart or LoadCommand.Complete:
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "No handler for this load command.");
        }
    }

    /// <summary>
    /// A material change while a tender waits for its answer stops the waterfall: the open tender is withdrawn and the rebuilt
    /// load is planned afresh (a small change keeps the waterfall going).
    /// </summary>
    static async Task<CarrierPlanOutcome> PlanCarrierAsync(TaskOrchestrationContext context, LoadWorkflowInput input, DecisionClock decisions, LoadRequest load, int revision)
    {
        var loadChanged = new WaterfallInterruption(
            cancel => context.WaitForExternalEvent<string>(MembershipChangedEvent, cancel),
            async () => await context.CallActivityAsync<LoadSnapshot>(nameof(ReadLoadSnapshot), load with { At = decisions.Now(context) }, CarrierPlanning.Retry)
                is var now ? LoadLifecycle.StopsTendering(revision, now.Revision, now.OrderCount) : null);
        CarrierPlanOutcome outcome = await CarrierPlanning.PlanAsync(context, decisions, input.Shipment, input.Policy, revision, s => context.SetCustomStatus(s),
            $"load booked (revision {revision})", loadChanged);
        Log(context).LogInformation("Load {LoadId}: revision {Revision} planned: {Status}", input.LoadId, revision, outcome);
        return outcome;
    }

    static ILogger Log(TaskOrchestrationContext context) => context.CreateReplaySafeLogger<LoadOrchestration>();

    static async Task<LoadEvent> WaitForChangeAsync(TaskOrchestrationContext context)
    {
        using var cancel = new CancellationTokenSource();
        Task<string> changed = context.WaitForExternalEvent<string>(MembershipChangedEvent, cancel.Token);
        Task<string> delivered = context.WaitForExternalEvent<string>(CarrierStatusService.DeliveredEvent, cancel.Token);
        Task winner = await Task.WhenAny(changed, delivered);
        cancel.Cancel();
        return winner == delivered ? new LoadEvent.Delivered() : new LoadEvent.MembershipChanged();
    }
}
