using System.Text.Json.Serialization;
using MesTms.Domain.Holds;

namespace MesTms.Domain.Shipments;

/// <summary>Where one production order's shipment workflow stands (the orchestration's phase, not the document's status).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShipmentPhase>))]
public enum ShipmentPhase
{
    /// <summary>The completion was accepted; the shipment is being recorded.</summary>
    Registering,

    /// <summary>On quality hold with nothing booked: nothing is planned until every hold is released.</summary>
    Held,

    /// <summary>On quality hold with a booking kept until the carrier's cancellation-fee window, then withdrawn.</summary>
    BookedHeld,

    /// <summary>Released and handed to consolidation (the join or review is under way).</summary>
    Ready,

    /// <summary>Waiting in an open load for more freight until its next review.</summary>
    Consolidating,

    /// <summary>On a closed load: the load's own workflow plans the carrier.</summary>
    OnLoad,

    /// <summary>Rate shopping and the tender waterfall are running for the order alone.</summary>
    Tendering,

    /// <summary>A carrier accepted; the door is reserved.</summary>
    Booked,

    /// <summary>Every candidate declined, timed out or was unreachable (or none was feasible): planners act.</summary>
    Exhausted,

    /// <summary>Carrier planning is off (no contracts): the order stays ready for planners.</summary>
    Unplanned,

    /// <summary>The carrier loaded the freight and left the plant: nothing is held, planned or re-tendered any more.</summary>
    Departed,

    /// <summary>The carrier delivered the freight: the shipment's life is over and its workflow completes.</summary>
    Delivered,
}

/// <summary>What carrier planning produced for the order so far.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShipmentPlan>))]
public enum ShipmentPlan
{
    None,
    OnLoad,
    Booked,
    Exhausted,
    PlanningOff,
}

/// <summary>The lifecycle's state, carried across <c>ContinueAsNew</c> (small: ids, versions and deadlines only).</summary>
public sealed record ShipmentLifecycleState
{
    /// <summary>The shape of this state; instances that began under an older shape are migrated when they resume.</summary>
    public const int CurrentVersion = 2;

    public static readonly ShipmentLifecycleState Start = new();

    public ShipmentPhase Phase { get; init; } = ShipmentPhase.Registering;

    public ShipmentPlan Plan { get; init; } = ShipmentPlan.None;

    /// <summary>The hold-ledger version last decided on (a hold or ready decision), null before the first.</summary>
    public int? HoldVersion { get; init; }

    /// <summary>The last hold ledger read (what a deadline acts on).</summary>
    public QualityHoldSnapshot? Holds { get; init; }

    public DateTimeOffset? HeldSince { get; init; }

    public bool Escalated { get; init; }

    /// <summary>The ready decision for the current release is recorded (and the actual completion applied to the door).</summary>
    public bool ReadyRecorded { get; init; }

    public string? LoadId { get; init; }

    /// <summary>A held booking is withdrawn at this moment (the carrier's cancellation-fee window) unless released first.</summary>
    public DateTimeOffset? WithdrawBy { get; init; }

    /// <summary>Bumped each time the order's carrier plan is withdrawn: the next tenders get fresh ids.</summary>
    public int PlanRevision { get; init; }
}

/// <summary>The ledger of an order's quality holds as read: its version and the holds still active.</summary>
public sealed record QualityHoldSnapshot(int Version, IReadOnlyList<QualityHold> Active);

/// <summary>Something that happened to a shipment: the input of <see cref="ShipmentLifecycle.Next"/>.</summary>
public abstract record ShipmentEvent
{
    /// <summary>The completion was accepted and the workflow started.</summary>
    public sealed record Started : ShipmentEvent;

    /// <summary>The workflow resumes after a restart (nothing else known): look at the holds again.</summary>
    public sealed record Resumed : ShipmentEvent;

    /// <summary>The hold ledger changed (signals only say "look again"; the ledger is the truth).</summary>
    public sealed record HoldChanged : ShipmentEvent;

    /// <summary>The deadline of the last wait passed (escalation, withdrawal, consolidation review).</summary>
    public sealed record DeadlinePassed : ShipmentEvent;

    /// <summary>The hold ledger as read (after registering, or on request).</summary>
    public sealed record HoldsRead(QualityHoldSnapshot Holds) : ShipmentEvent;

    /// <summary>A booked shipment's door was released for a hold; the booking is withdrawn at the fee window.</summary>
    /// <param name="WithdrawIn">The wait until the withdrawal as measured by the activity (preferred: immune to shifted clocks).</param>
    public sealed record BookingSuspended(bool Booked, DateTimeOffset? WithdrawBy, TimeSpan? WithdrawIn) : ShipmentEvent;

    /// <summary>Consolidation joined or reviewed the order's open load: on a closed load, or wait until the next review.</summary>
    public sealed record ConsolidationReviewed(string? LoadId, DateTimeOffset? NextReviewAt, TimeSpan? ReviewIn) : ShipmentEvent;

    /// <summary>Rate shopping and the tender waterfall ended.</summary>
    public sealed record CarrierPlanned(CarrierPlanOutcome Outcome) : ShipmentEvent;

    /// <summary>A planner asked to re-tender the order (booked, or its waterfall ran out).</summary>
    public sealed record RetenderRequested(string RequestedBy, string Reason) : ShipmentEvent;

    /// <summary>The booked carrier reported the freight loaded and gone (its own or its load's truck).</summary>
    public sealed record CarrierDeparted : ShipmentEvent;

    /// <summary>The booked carrier reported the freight delivered (its own or its load's truck).</summary>
    public sealed record CarrierDelivered : ShipmentEvent;
}

/// <summary>What the lifecycle asks its driver to carry out, in order. Commands marked "answers" produce the next event.</summary>
public abstract record ShipmentCommand
{
    /// <summary>Record the shipment from its completion event. Answers <see cref="ShipmentEvent.HoldsRead"/>.</summary>
    public sealed record Register : ShipmentCommand;

    /// <summary>Read the order's hold ledger. Answers <see cref="ShipmentEvent.HoldsRead"/>.</summary>
    public sealed record ReadHolds : ShipmentCommand;

    /// <summary>Set the status and append a decision, once per decision key.</summary>
    public sealed record RecordDecision(ShipmentDecision Decision, IReadOnlyList<QualityHold> ActiveHolds) : ShipmentCommand;

    /// <summary>Release a booked shipment's door for a hold. Answers <see cref="ShipmentEvent.BookingSuspended"/>.</summary>
    public sealed record SuspendBooking(string Reasons) : ShipmentCommand;

    /// <summary>Give a door planned from the forecast back to the schedule.</summary>
    public sealed record ReleaseForecastDoor(string Reasons) : ShipmentCommand;

    /// <summary>Take the order off its open or closed load.</summary>
    public sealed record WithdrawFromLoad(string Reason) : ShipmentCommand;

    /// <summary>Withdraw the held booking's tender before the cancellation-fee window.</summary>
    public sealed record WithdrawTender(string Reason) : ShipmentCommand;

    /// <summary>Tell planners the hold lasted too long.</summary>
    public sealed record Escalate(IReadOnlyList<QualityHold> ActiveHolds, DateTimeOffset HeldSince, TimeSpan EscalateAfter, string DecisionKey) : ShipmentCommand;

    /// <summary>Record the order ready to ship (its decision), then move a door planned from the forecast to the actual output.</summary>
    public sealed record MarkReady(ShipmentDecision Decision, IReadOnlyList<QualityHold> ActiveHolds) : ShipmentCommand;

    /// <summary>Reserve the booked shipment's door (after a booking is kept through a hold; a new booking reserves it itself).</summary>
    public sealed record ScheduleDock(string Why) : ShipmentCommand;

    /// <summary>Join or review the order's open load. Answers <see cref="ShipmentEvent.ConsolidationReviewed"/>.</summary>
    public sealed record Consolidate : ShipmentCommand;

    /// <summary>Rate shop and run the tender waterfall (stopped by a hold). Answers <see cref="ShipmentEvent.CarrierPlanned"/>.</summary>
    public sealed record PlanCarrier(int Revision) : ShipmentCommand;

    /// <summary>
    /// <see cref="MarkReady"/> and <see cref="PlanCarrier"/> merged into one step (an order shipped alone becomes ready and
    /// is rated, with its first tender, at once). Answers <see cref="ShipmentEvent.CarrierPlanned"/>.
    /// </summary>
    public sealed record MarkReadyAndPlanCarrier(ShipmentDecision Decision, IReadOnlyList<QualityHold> ActiveHolds, int Revision) : ShipmentCommand;

    /// <summary>Withdraws the order's booking (if any; the carrier is told, the door given back) for a planner's re-tender.</summary>
    public sealed record Retender(string RequestedBy, string Reason) : ShipmentCommand;

    /// <summary>Show where the workflow stands (the orchestration's custom status).</summary>
    public sealed record ShowStatus(ShipmentStatus Status, IReadOnlyList<string> ActiveHoldIds) : ShipmentCommand;

    /// <summary>
    /// Wait for a hold change, or until <paramref name="Until"/> if set; ends the episode. Answers
    /// <see cref="ShipmentEvent.HoldChanged"/> or <see cref="ShipmentEvent.DeadlinePassed"/>.
    /// </summary>
    public sealed record Wait(DateTimeOffset? Until) : ShipmentCommand;

    /// <summary>End the episode and resume at once with a fresh history (after a stopped waterfall). Answers <see cref="ShipmentEvent.Resumed"/>.</summary>
    public sealed record Restart : ShipmentCommand;

    /// <summary>The shipment's life is over (delivered): the workflow completes; nothing answers, nothing follows.</summary>
    public sealed record Complete : ShipmentCommand;

    /// <summary>True for the command that ends the workflow for good (always the last command of a step).</summary>
    public bool Ends => this is Complete;

    /// <summary>True for the commands whose answer is the next event (always the last command of a step).</summary>
    public bool Answers => this is Register or ReadHolds or SuspendBooking or Consolidate or PlanCarrier or MarkReadyAndPlanCarrier or Wait or Restart;
}

/// <summary>The next state and the commands to carry out, in order; the last one answers with the next event.</summary>
public sealed record ShipmentStep(ShipmentLifecycleState State, IReadOnlyList<ShipmentCommand> Commands);

/// <summary>
/// The shipment lifecycle of one production order as a pure function: (state, what happened, policy, now) → (next state,
/// commands). No I/O and no clock of its own, so the live orchestration and a replay in virtual time decide the same.
/// Rules: a completion is registered, then the hold ledger decides. While any hold is active nothing is planned: a door
/// planned from the forecast is released, a booked shipment keeps its carrier until the cancellation-fee window and loses
/// it then, a consolidated order leaves its load, and planners are alerted once the hold outlives
/// <see cref="ShipmentPolicy.HoldEscalationAfter"/>. Once released the order is recorded ready, its door follows the
/// actual output, and it is planned: consolidated (<see cref="ShipmentPolicy.Consolidate"/>) or rate shopped and tendered
/// alone. Holds and releases may arrive in any order and any phase: only the ledger's version counts.
/// </summary>
public static class ShipmentLifecycle
{
    public static ShipmentStep Next(ShipmentLifecycleState state, ShipmentEvent happened, ShipmentPolicy policy, DateTimeOffset now) => happened switch
    {
        ShipmentEvent.BookingSuspended or ShipmentEvent.ConsolidationReviewed or ShipmentEvent.CarrierPlanned when state.Phase == ShipmentPhase.Delivered =>
            throw new InvalidOperationException($"{happened.GetType().Name} answers a command never issued after delivery."),
        _ when state.Phase == ShipmentPhase.Delivered => Step(state, new ShipmentCommand.Complete()),
        ShipmentEvent.CarrierDelivered => OnDelivered(state),
        _ when state.Phase == ShipmentPhase.Departed => AfterDeparture(state, happened),
        ShipmentEvent.CarrierDeparted => OnDeparted(state),
        ShipmentEvent.Started or ShipmentEvent.Resumed or ShipmentEvent.HoldChanged => Step(state, Look(state)),
        ShipmentEvent.DeadlinePassed => OnDeadline(state, policy, now),
        ShipmentEvent.HoldsRead read => read.Holds.Active.Count > 0 ? OnHold(state with { Holds = read.Holds }, read.Holds, policy, now)
            : OnReleased(state with { Holds = read.Holds }, read.Holds, policy, now),
        ShipmentEvent.BookingSuspended suspended => OnBookingSuspended(Expect(state, happened, ShipmentPhase.BookedHeld), suspended, policy, now),
        ShipmentEvent.ConsolidationReviewed reviewed => OnConsolidation(Expect(state, happened, ShipmentPhase.Ready), reviewed, now),
        ShipmentEvent.CarrierPlanned planned => OnCarrierPlanned(Expect(state, happened, ShipmentPhase.Tendering), planned.Outcome),
        ShipmentEvent.RetenderRequested retender => OnRetender(state, retender),
        _ => throw new ArgumentOutOfRangeException(nameof(happened), happened, "Unknown shipment event."),
    };

    /// <summary>The phase a plan leaves the order in once planning ended.</summary>
    public static ShipmentPhase PhaseOf(ShipmentPlan plan) => plan switch
    {
        ShipmentPlan.OnLoad => ShipmentPhase.OnLoad,
        ShipmentPlan.Booked => ShipmentPhase.Booked,
        ShipmentPlan.Exhausted => ShipmentPhase.Exhausted,
        ShipmentPlan.PlanningOff => ShipmentPhase.Unplanned,
        _ => ShipmentPhase.Ready,
    };

    static ShipmentStatus StatusOf(ShipmentPlan plan) => plan switch
    {
        ShipmentPlan.OnLoad => ShipmentStatus.Consolidated,
        ShipmentPlan.Booked => ShipmentStatus.Booked,
        ShipmentPlan.Exhausted => ShipmentStatus.TenderExhausted,
        _ => ShipmentStatus.ReadyToShip,
    };

    static ShipmentLifecycleState Expect(ShipmentLifecycleState state, ShipmentEvent happened, ShipmentPhase phase) => state.Phase == phase
        ? state
        : throw new InvalidOperationException($"{happened.GetType().Name} answers a command issued in phase {phase}, but the shipment is {state.Phase}.");

    static ShipmentStep OnHold(ShipmentLifecycleState state, QualityHoldSnapshot holds, ShipmentPolicy policy, DateTimeOffset now)
    {
        state = state with { HeldSince = state.HeldSince ?? now };
        if (state.HoldVersion == holds.Version)
        {
            return WaitWhileHeld(state, holds, [], policy);
        }

        string reasons = QualityHold.Describe(holds.Active);
        if (!policy.Consolidate && state.Plan == ShipmentPlan.Booked && state.WithdrawBy is null)
        {
            // Booked and now held: the door goes back to the schedule; the tender stays until the fee window (asked first).
            return Step(state with { Phase = ShipmentPhase.BookedHeld }, new ShipmentCommand.SuspendBooking(reasons));
        }

        List<ShipmentCommand> commands = state.Plan == ShipmentPlan.Booked ? [] : [new ShipmentCommand.ReleaseForecastDoor(reasons)];
        return RecordHold(state, holds, commands, policy, now);
    }

    static ShipmentStep OnBookingSuspended(ShipmentLifecycleState state, ShipmentEvent.BookingSuspended suspended, ShipmentPolicy policy, DateTimeOffset now) =>
        RecordHold(state with
        {
            // The deadline on the driver's clock (an activity's absolute time only when it gave no wait).
            WithdrawBy = suspended.WithdrawIn is { } wait ? now + wait : suspended.WithdrawBy,
            Plan = suspended.Booked ? ShipmentPlan.Booked : ShipmentPlan.Exhausted,
        }, state.Holds ?? throw new InvalidOperationException("A booking is suspended for a hold that was read first."), [], policy, now);

    static ShipmentStep RecordHold(ShipmentLifecycleState state, QualityHoldSnapshot holds, List<ShipmentCommand> commands, ShipmentPolicy policy, DateTimeOffset now)
    {
        string reasons = QualityHold.Describe(holds.Active);
        if (policy.Consolidate)
        {
            // Off its open or closed load: the load is rebuilt without it (and re-planned if that changed it materially).
            commands.Add(new ShipmentCommand.WithdrawFromLoad($"quality hold: {reasons}"));
            state = state with { Plan = ShipmentPlan.None, LoadId = null };
        }

        commands.Add(new ShipmentCommand.RecordDecision(new ShipmentDecision($"hold-{holds.Version}", now, ShipmentStatus.OnQualityHold,
            "Held for quality", $"Nothing is planned until released. Active hold(s): {reasons}"), holds.Active));
        return WaitWhileHeld(state, holds, commands, policy);
    }

    static ShipmentStep WaitWhileHeld(ShipmentLifecycleState state, QualityHoldSnapshot holds, List<ShipmentCommand> commands, ShipmentPolicy policy)
    {
        state = state with
        {
            HoldVersion = holds.Version,
            ReadyRecorded = false,
            Phase = state.Plan == ShipmentPlan.Booked ? ShipmentPhase.BookedHeld : ShipmentPhase.Held,
        };
        commands.Add(new ShipmentCommand.ShowStatus(ShipmentStatus.OnQualityHold, holds.Active.Select(h => h.HoldId).ToList()));
        commands.Add(new ShipmentCommand.Wait(Earliest(EscalateAt(state, policy), state.WithdrawBy)));
        return new ShipmentStep(state, commands);
    }

    static DateTimeOffset? EscalateAt(ShipmentLifecycleState state, ShipmentPolicy policy) =>
        state.Escalated || state.HeldSince is not { } since ? null : since + policy.HoldEscalationAfter;

    static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null || a < b ? a : b;

    static ShipmentStep OnDeadline(ShipmentLifecycleState state, ShipmentPolicy policy, DateTimeOffset now)
    {
        var commands = new List<ShipmentCommand>();
        if (state.Phase is ShipmentPhase.Held or ShipmentPhase.BookedHeld && state.Holds is { Active.Count: > 0 } holds)
        {
            if (state.WithdrawBy is { } withdrawBy && withdrawBy <= now)
            {
                commands.Add(new ShipmentCommand.WithdrawTender($"still on quality hold ({QualityHold.Describe(holds.Active)}) at {now:u}"));
                state = state with { WithdrawBy = null, Plan = ShipmentPlan.None, Phase = ShipmentPhase.Held, PlanRevision = state.PlanRevision + 1 };
            }

            if (EscalateAt(state, policy) is { } escalateAt && escalateAt <= now)
            {
                commands.Add(new ShipmentCommand.Escalate(holds.Active, state.HeldSince!.Value, policy.HoldEscalationAfter,
                    $"escalation-{state.HeldSince.Value.ToUnixTimeMilliseconds()}"));
                state = state with { Escalated = true };
            }
        }

        // Whatever the deadline was for, the ledger decides what comes next.
        commands.Add(Look(state));
        return new ShipmentStep(state, commands);
    }

    static ShipmentStep OnReleased(ShipmentLifecycleState state, QualityHoldSnapshot holds, ShipmentPolicy policy, DateTimeOffset now)
    {
        var commands = new List<ShipmentCommand>();
        if (!state.ReadyRecorded)
        {
            string reason = state.HeldSince is { } since
                ? $"All quality holds released after {FormatDuration(now - since)}; ready for planning"
                : "Production completed, QA passed and packaged with no quality hold; ready for planning";
            // A door planned from the forecast follows the actual output: pulled forward or pushed back.
            commands.Add(new ShipmentCommand.MarkReady(new ShipmentDecision($"ready-{holds.Version}", now, ShipmentStatus.ReadyToShip, "Ready to ship", reason), holds.Active));
            bool bookingKept = state.Plan == ShipmentPlan.Booked && state.WithdrawBy is not null;
            if (bookingKept)
            {
                // Released before the cancellation-fee window: the booking stands; reserve the door again.
                commands.Add(new ShipmentCommand.RecordDecision(new ShipmentDecision($"booking-kept-{holds.Version}", now, ShipmentStatus.Booked, "Booking kept",
                    $"Hold released before the tender had to be withdrawn ({state.WithdrawBy:u}): carrier keeps the load"), holds.Active));
                commands.Add(new ShipmentCommand.ScheduleDock("hold released, booking kept"));
            }

            state = state with
            {
                ReadyRecorded = true, HeldSince = null, Escalated = false, HoldVersion = holds.Version, WithdrawBy = bookingKept ? null : state.WithdrawBy,
            };
        }

        if (state.Plan == ShipmentPlan.None)
        {
            if (!policy.Consolidate && commands is [ShipmentCommand.MarkReady markReady])
            {
                // The speed shortcut, chosen here: one step records the order ready and rates it (with the first tender).
                return new ShipmentStep(state with { Phase = ShipmentPhase.Tendering },
                    [new ShipmentCommand.MarkReadyAndPlanCarrier(markReady.Decision, markReady.ActiveHolds, state.PlanRevision)]);
            }

            commands.Add(policy.Consolidate ? new ShipmentCommand.Consolidate() : new ShipmentCommand.PlanCarrier(state.PlanRevision));
            return new ShipmentStep(state with { Phase = policy.Consolidate ? ShipmentPhase.Ready : ShipmentPhase.Tendering }, commands);
        }

        commands.Add(new ShipmentCommand.ShowStatus(StatusOf(state.Plan), []));
        commands.Add(new ShipmentCommand.Wait(null));
        return new ShipmentStep(state with { Phase = PhaseOf(state.Plan) }, commands);
    }

    static ShipmentStep OnConsolidation(ShipmentLifecycleState state, ShipmentEvent.ConsolidationReviewed reviewed, DateTimeOffset now)
    {
        if (reviewed.LoadId is null)
        {
            // Wait in the open load for more freight until the next review (a hold change wakes the order earlier).
            DateTimeOffset review = reviewed.ReviewIn is { } wait ? now + wait : reviewed.NextReviewAt ?? now.AddMinutes(1);
            return Step(state with { Phase = ShipmentPhase.Consolidating },
                new ShipmentCommand.ShowStatus(ShipmentStatus.Consolidating, []), new ShipmentCommand.Wait(review));
        }

        return Step(state with { Phase = ShipmentPhase.OnLoad, Plan = ShipmentPlan.OnLoad, LoadId = reviewed.LoadId },
            new ShipmentCommand.ShowStatus(ShipmentStatus.Consolidated, []), new ShipmentCommand.Wait(null));
    }

    static ShipmentStep OnCarrierPlanned(ShipmentLifecycleState state, CarrierPlanOutcome outcome)
    {
        if (outcome == CarrierPlanOutcome.Interrupted)
        {
            // A hold stopped the waterfall (its open tender is withdrawn): read the holds afresh; after release the order
            // is tendered again with fresh tender ids.
            return Step(state with { Phase = ShipmentPhase.Held, Plan = ShipmentPlan.None, PlanRevision = state.PlanRevision + 1 }, new ShipmentCommand.Restart());
        }

        ShipmentPlan plan = outcome switch
        {
            CarrierPlanOutcome.Booked => ShipmentPlan.Booked,
            CarrierPlanOutcome.Exhausted => ShipmentPlan.Exhausted,
            _ => ShipmentPlan.PlanningOff,
        };
        // A booking reserved its door in the same activity.
        return Step(state with { Plan = plan, Phase = PhaseOf(plan) }, new ShipmentCommand.ShowStatus(outcome.Status()!.Value, []), new ShipmentCommand.Wait(null));
    }

    /// <summary>
    /// A planner's re-tender of an order shipped alone: only once booked or exhausted (never while tendering, held or on a
    /// load, where it changes nothing); the booking is withdrawn and the order rate shopped and tendered under the next
    /// plan revision, with fresh tender ids.
    /// </summary>
    static ShipmentStep OnRetender(ShipmentLifecycleState state, ShipmentEvent.RetenderRequested retender)
    {
        if (state.Phase is not (ShipmentPhase.Booked or ShipmentPhase.Exhausted))
        {
            return Step(state, Look(state));
        }

        int revision = state.PlanRevision + 1;
        return Step(state with { Phase = ShipmentPhase.Tendering, Plan = ShipmentPlan.None, PlanRevision = revision, WithdrawBy = null },
            new ShipmentCommand.Retender(retender.RequestedBy, retender.Reason), new ShipmentCommand.PlanCarrier(revision));
    }

    /// <summary>
    /// The freight left on a booked truck (the order's own, or its load's): whatever the order was waiting for is over;
    /// from now on holds, deadlines and re-tender requests change nothing (a hold stays in the ledger for planners).
    /// A departure reported for an order that is not booked or on a load is noted by the status route, not here.
    /// </summary>
    static ShipmentStep OnDeparted(ShipmentLifecycleState state) => state.Phase is ShipmentPhase.Booked or ShipmentPhase.OnLoad
        ? Step(state with { Phase = ShipmentPhase.Departed, WithdrawBy = null }, new ShipmentCommand.ShowStatus(ShipmentStatus.InTransit, []), new ShipmentCommand.Wait(null))
        : Step(state, Look(state));

    /// <summary>
    /// The freight was delivered (reported for a booked order, its load's truck, or after departure; statuses may come in any
    /// order): the shipment's life is over and the workflow completes. Reported for an order not booked, it changes nothing here.
    /// </summary>
    static ShipmentStep OnDelivered(ShipmentLifecycleState state) => state.Phase is ShipmentPhase.Booked or ShipmentPhase.OnLoad or ShipmentPhase.Departed
        ? Step(state with { Phase = ShipmentPhase.Delivered, WithdrawBy = null }, new ShipmentCommand.ShowStatus(ShipmentStatus.Delivered, []), new ShipmentCommand.Complete())
        : Step(state, Look(state));

    static ShipmentStep AfterDeparture(ShipmentLifecycleState state, ShipmentEvent happened) => happened switch
    {
        ShipmentEvent.BookingSuspended or ShipmentEvent.ConsolidationReviewed or ShipmentEvent.CarrierPlanned =>
            throw new InvalidOperationException($"{happened.GetType().Name} answers a command never issued after departure."),
        ShipmentEvent.HoldsRead read => Step(state with { HoldVersion = read.Holds.Version, Holds = read.Holds }, new ShipmentCommand.Wait(null)),
        _ => Step(state, new ShipmentCommand.Wait(null)),
    };

    /// <summary>Every wake-up looks at the hold ledger; before the shipment is recorded, registering reads it too.</summary>
    static ShipmentCommand Look(ShipmentLifecycleState state) =>
        state.Phase == ShipmentPhase.Registering ? new ShipmentCommand.Register() : new ShipmentCommand.ReadHolds();

    static ShipmentStep Step(ShipmentLifecycleState state, params ShipmentCommand[] commands) => new(state, commands);

    /// <summary>"3.5 h", "12 min", "40 s".</summary>
    public static string FormatDuration(TimeSpan duration) =>
        duration.TotalHours >= 1 ? $"{duration.TotalHours:0.#} h" : duration.TotalMinutes >= 1 ? $"{duration.TotalMinutes:0.#} min" : $"{duration.TotalSeconds:0.#} s";
}
