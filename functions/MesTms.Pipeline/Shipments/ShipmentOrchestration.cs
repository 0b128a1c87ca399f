using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.CarrierStatuses;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Time;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Shipments;

/// <summary>
/// One instance per production order (instance id from plant + order): drives <see cref="ShipmentLifecycle"/> in real time.
/// Each step asks the lifecycle what to do about what just happened, carries out its commands through activities (one
/// small handler per command), and feeds the answer back, until the lifecycle waits for the next hold change or deadline;
/// then the episode continues as new with the state and what woke it, so the history stays small. Nothing here decides
/// freight: the rules are the lifecycle's.
/// </summary>
public sealed class ShipmentOrchestration : TaskOrchestrator<ShipmentWorkflowInput, ShipmentPhase>
{
    public const string QualityHoldChangedEvent = "QualityHoldChanged";

    /// <summary>A planner's re-tender (<see cref="PlannerRetender"/>), raised by the re-tender API.</summary>
    public const string RetenderRequestedEvent = "RetenderRequested";

    static readonly TaskOptions Retry = CarrierPlanning.Retry;

    public override async Task<ShipmentPhase> RunAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input)
    {
        ShipmentLifecycleState state = input.Resume();
        ShipmentEvent happened = input.Pending switch
        {
            ShipmentWake.HoldChanged => new ShipmentEvent.HoldChanged(),
            ShipmentWake.DeadlinePassed => new ShipmentEvent.DeadlinePassed(),
            ShipmentWake.RetenderRequested when input.PendingRetender is { } retender => new ShipmentEvent.RetenderRequested(retender.RequestedBy ?? "planner", retender.Reason ?? ""),
            ShipmentWake.CarrierDeparted => new ShipmentEvent.CarrierDeparted(),
            ShipmentWake.CarrierDelivered => new ShipmentEvent.CarrierDelivered(),
            _ when state.Phase == ShipmentPhase.Registering => new ShipmentEvent.Started(),
            _ => new ShipmentEvent.Resumed(),
        };

        // Decisions are dated by what they answer (the completion's time, the deadline that passed), not by when this ran.
        DecisionClock decisions = input.Decisions(state);
        while (true)
        {
            ShipmentStep step = ShipmentLifecycle.Next(state, happened, input.Policy, decisions.Now(context));
            state = step.State;
            ShipmentEvent? answer = null;
            foreach (ShipmentCommand command in step.Commands)
            {
                answer = await CarryOutAsync(context, input, decisions, command);
            }

            if (step.Commands[^1].Ends)
            {
                // Delivered: the shipment's life is over; the instance completes (and is purged after MesTms:Workflows:Retention).
                Log(context).LogInformation("Shipment {Order}: delivered; workflow completed", input.Order);
                return state.Phase;
            }

            if (step.Commands[^1] is ShipmentCommand.Wait or ShipmentCommand.Restart)
            {
                context.ContinueAsNew(input.Continue(state, answer switch
                {
                    ShipmentEvent.HoldChanged => ShipmentWake.HoldChanged,
                    ShipmentEvent.DeadlinePassed => ShipmentWake.DeadlinePassed,
                    ShipmentEvent.RetenderRequested => ShipmentWake.RetenderRequested,
                    ShipmentEvent.CarrierDeparted => ShipmentWake.CarrierDeparted,
                    ShipmentEvent.CarrierDelivered => ShipmentWake.CarrierDelivered,
                    _ => ShipmentWake.Resumed,
                }, answer is ShipmentEvent.RetenderRequested r ? new PlannerRetender(input.Order.PlantId, r.RequestedBy, r.Reason) : null,
                    step.Commands[^1] is ShipmentCommand.Wait ? decisions.Fact : null));
                return state.Phase;
            }

            happened = answer ?? throw new InvalidOperationException($"The lifecycle's last command {step.Commands[^1]} gave no answer in phase {state.Phase}.");
        }
    }

    static Task<ShipmentEvent?> CarryOutAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions, ShipmentCommand command) => command switch
    {
        ShipmentCommand.Register => RegisterAsync(context, input, decisions),
        ShipmentCommand.ReadHolds => ReadHoldsAsync(context, input),
        ShipmentCommand.RecordDecision c => RecordDecisionAsync(context, input, c),
        ShipmentCommand.SuspendBooking c => SuspendBookingAsync(context, input, decisions, c),
        ShipmentCommand.ReleaseForecastDoor c => Done(context.CallActivityAsync<bool>(nameof(ReleaseForecastDoorForHold),
            new ForecastDoorReleaseRequest(input.Order, c.Reasons, decisions.Now(context)), Retry)),
        ShipmentCommand.WithdrawFromLoad c => Done(context.CallActivityAsync<string>(nameof(WithdrawFromLoad), new WithdrawFromLoadRequest(input.Order, c.Reason, decisions.Now(context)), Retry)),
        ShipmentCommand.WithdrawTender c => WithdrawTenderAsync(context, input, decisions, c),
        ShipmentCommand.Escalate c => EscalateAsync(context, input, decisions, c),
        ShipmentCommand.MarkReady c => Done(context.CallActivityAsync<ReadyToShipResult>(nameof(MarkReadyToShip),
            new ShipmentDecisionRequest(input.Order, c.Decision, c.ActiveHolds), Retry)),
        ShipmentCommand.ScheduleDock c => Done(context.CallActivityAsync<DockResult>(nameof(ScheduleDock),
            new ScheduleDockRequest(input.Order, c.Why, decisions.Now(context)), Retry)),
        ShipmentCommand.Consolidate => ConsolidateAsync(context, input, decisions),
        ShipmentCommand.PlanCarrier c => PlanCarrierAsync(context, input, decisions, c.Revision),
        ShipmentCommand.MarkReadyAndPlanCarrier c => MarkReadyAndPlanCarrierAsync(context, input, decisions, c),
        ShipmentCommand.Retender c => Done(context.CallActivityAsync<bool>(nameof(RetenderShipment),
            new RetenderShipmentRequest(input.Order, c.RequestedBy, c.Reason, decisions.Now(context)), Retry)),
        ShipmentCommand.ShowStatus c => ShowStatus(context, c),
        ShipmentCommand.Wait c => WaitAsync(context, input, decisions, c),
        ShipmentCommand.Restart => Task.FromResult<ShipmentEvent?>(new ShipmentEvent.Resumed()),
        ShipmentCommand.Complete => Task.FromResult<ShipmentEvent?>(null),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "No handler for this shipment command."),
    };

    static async Task<ShipmentEvent?> RegisterAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions)
    {
        // Registration also returns the hold ledger: one activity (and one storage round) fewer per order.
        QualityHoldSnapshot holds = await context.CallActivityAsync<QualityHoldSnapshot>(nameof(RegisterShipment),
            new RegisterShipmentRequest(input.Order, input.SourceEventId, input.AcceptedAt, decisions.Now(context), input.Completed), Retry);
        Log(context).LogInformation("Shipment {Order}: registered from event {EventId}", input.Order, input.SourceEventId);
        return new ShipmentEvent.HoldsRead(holds);
    }

    static async Task<ShipmentEvent?> ReadHoldsAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input) =>
        new ShipmentEvent.HoldsRead(await context.CallActivityAsync<QualityHoldSnapshot>(nameof(ReadQualityHolds), input.Order, Retry));

    static async Task<ShipmentEvent?> RecordDecisionAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, ShipmentCommand.RecordDecision command)
    {
        await context.CallActivityAsync(nameof(RecordShipmentDecision), new ShipmentDecisionRequest(input.Order, command.Decision, command.ActiveHolds), Retry);
        Log(context).LogInformation("Shipment {Order}: {Decision}: {Reason}", input.Order, command.Decision.Decision, command.Decision.Reason);
        return null;
    }

    static async Task<ShipmentEvent?> SuspendBookingAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions, ShipmentCommand.SuspendBooking command)
    {
        SuspendBookingResult suspended = await context.CallActivityAsync<SuspendBookingResult>(nameof(SuspendBookingForHold),
            new SuspendBookingRequest(input.Order, command.Reasons, input.Policy.CancellationFeeWindow, decisions.Now(context)), Retry);
        return new ShipmentEvent.BookingSuspended(suspended.Booked, suspended.WithdrawBy, suspended.WithdrawIn);
    }

    static async Task<ShipmentEvent?> WithdrawTenderAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions, ShipmentCommand.WithdrawTender command)
    {
        await context.CallActivityAsync<bool>(nameof(WithdrawTenderForHold), new WithdrawTenderRequest(input.Order, command.Reason, decisions.Now(context)), Retry);
        Log(context).LogWarning("Shipment {Order}: tender withdrawn before the cancellation-fee window; re-tendered after release", input.Order);
        return null;
    }

    static async Task<ShipmentEvent?> EscalateAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions, ShipmentCommand.Escalate command)
    {
        await context.CallActivityAsync(nameof(EscalateQualityHold), new QualityHoldEscalationRequest(
            input.Order, command.ActiveHolds, command.HeldSince, command.EscalateAfter, decisions.Now(context), command.DecisionKey), Retry);
        Log(context).LogWarning("Shipment {Order}: quality hold escalated to planners after {After}", input.Order, command.EscalateAfter);
        return null;
    }

    static async Task<ShipmentEvent?> ConsolidateAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions)
    {
        ConsolidationStep step = await context.CallActivityAsync<ConsolidationStep>(nameof(ConsolidateOrder),
            new ConsolidationRequest(input.Order.PlantId, input.Order.OrderId, decisions.Now(context)), Retry);
        if (step.LoadId is not null)
        {
            Log(context).LogInformation("Shipment {Order}: on load {LoadId}", input.Order, step.LoadId);
        }

        return new ShipmentEvent.ConsolidationReviewed(step.LoadId, step.NextReviewAt, step.ReviewIn);
    }

    /// <summary>Why a booked order's door is reserved.</summary>
    const string CarrierBooked = "carrier booked";

    static Task<ShipmentEvent?> MarkReadyAndPlanCarrierAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions, ShipmentCommand.MarkReadyAndPlanCarrier command) =>
        // One activity records ready, rates and sends the first tender (the waterfall's rating step runs inside it).
        PlanCarrierAsync(context, input, decisions, command.Revision, async rate => (await context.CallActivityAsync<ReadyToShipResult>(nameof(MarkReadyToShip),
            new ShipmentDecisionRequest(input.Order, command.Decision, command.ActiveHolds, rate), Retry)).Rated
            ?? throw new InvalidOperationException($"Shipment {input.Order}: the ready step was asked to rate and returned no rate shop."));

    static async Task<ShipmentEvent?> PlanCarrierAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions, int revision,
        Func<RateShipmentRequest, Task<RateShipmentResult>>? rate = null)
    {
        // A hold arriving while a tender waits for its answer stops the waterfall: the open tender is withdrawn.
        var holdDuringTendering = new WaterfallInterruption(
            cancel => context.WaitForExternalEvent<QualityHoldSignal>(QualityHoldChangedEvent, cancel),
            async () => await context.CallActivityAsync<QualityHoldSnapshot>(nameof(ReadQualityHolds), input.Order, Retry) is { Active.Count: > 0 } held
                ? $"quality hold during tendering ({QualityHold.Describe(held.Active)})"
                : null);
        CarrierPlanOutcome outcome = await CarrierPlanning.PlanAsync(context, decisions, input.Order, input.Policy, revision,
            s => context.SetCustomStatus(new ShipmentWorkflowStatus(s, [])), CarrierBooked, holdDuringTendering, rate);
        return new ShipmentEvent.CarrierPlanned(outcome);
    }

    static Task<ShipmentEvent?> ShowStatus(TaskOrchestrationContext context, ShipmentCommand.ShowStatus command)
    {
        context.SetCustomStatus(new ShipmentWorkflowStatus(command.Status, command.ActiveHoldIds));
        return Task.FromResult<ShipmentEvent?>(null);
    }

    /// <summary>A hold change, a planner's re-tender, or the deadline (if any) passing first; the waits that lose are cancelled.</summary>
    static async Task<ShipmentEvent?> WaitAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, DecisionClock decisions, ShipmentCommand.Wait command)
    {
        if (command.Until is { } passed && passed <= input.AppClock.Now(context))
        {
            decisions.Arrived(passed);
            return new ShipmentEvent.DeadlinePassed();
        }

        using var cancel = new CancellationTokenSource();
        Task<QualityHoldSignal> signal = context.WaitForExternalEvent<QualityHoldSignal>(QualityHoldChangedEvent, cancel.Token);
        Task<PlannerRetender> retender = context.WaitForExternalEvent<PlannerRetender>(RetenderRequestedEvent, cancel.Token);
        Task<string> departed = context.WaitForExternalEvent<string>(CarrierStatusService.DepartedEvent, cancel.Token);
        Task<string> delivered = context.WaitForExternalEvent<string>(CarrierStatusService.DeliveredEvent, cancel.Token);
        Task? timer = command.Until is { } deadline ? input.AppClock.Until(context, deadline, cancel.Token) : null;
        Task winner = timer is null ? await Task.WhenAny(signal, retender, departed, delivered) : await Task.WhenAny(signal, retender, departed, delivered, timer);
        cancel.Cancel();
        // The next episode's decisions are dated by what woke it: the hold change as the MES dated it, the deadline, or now.
        decisions.Arrived(winner == signal ? signal.Result.At : winner == timer ? command.Until : null);
        return winner == signal ? new ShipmentEvent.HoldChanged()
            : winner == retender ? new ShipmentEvent.RetenderRequested(retender.Result.RequestedBy ?? "planner", retender.Result.Reason ?? "")
            : winner == departed ? new ShipmentEvent.CarrierDeparted()
            : winner == delivered ? new ShipmentEvent.CarrierDelivered()
            : new ShipmentEvent.DeadlinePassed();
    }

    static async Task<ShipmentEvent?> Done<T>(Task<T> activity)
    {
        await activity;
        return null;
    }

    static ILogger Log(TaskOrchestrationContext context) => context.CreateReplaySafeLogger<ShipmentOrchestration>();
}
