using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Domain;

using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Time;

namespace MesTms.Pipeline.Shipments;

/// <summary>
/// Input of <see cref="ShipmentOrchestration"/>. <see cref="State"/> (shape <see cref="StateVersion"/>) carries the lifecycle
/// across ContinueAsNew, with the wake-up that ended the last episode in <see cref="Pending"/>. Instances started before
/// the lifecycle existed carry <see cref="Progress"/> instead (state version 0): they are migrated when they resume.
/// </summary>
public sealed record ShipmentWorkflowInput(
    OrderKey Order,
    string SourceEventId,
    DateTimeOffset AcceptedAt,
    ShipmentPolicy Policy,
    ShipmentWorkflowProgress? Progress = null)
{
    public int StateVersion { get; init; }

    public ShipmentLifecycleState? State { get; init; }

    public ShipmentWake? Pending { get; init; }

    /// <summary>The planner's re-tender that woke the last episode (with <see cref="ShipmentWake.RetenderRequested"/>).</summary>
    public PlannerRetender? PendingRetender { get; init; }

    /// <summary>
    /// The completion as validated by the webhook, so registering does not read the event back (null in instances started
    /// before it travelled here: then it is read from the events container). Dropped once the shipment is registered.
    /// </summary>
    public ProductionCompleted? Completed { get; init; }

    /// <summary>When production completed (the event's <c>completedAt</c>): the first decisions are dated by it.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>When what woke this episode happened (the deadline that passed, the hold change as the MES dated it): its decisions are dated by it.</summary>
    public DateTimeOffset? PendingAt { get; init; }

    /// <summary>The app's clock the workflow decides and waits on (null: the real clock, as in instances started before it travelled here).</summary>
    public WorkflowClock? Clock { get; init; }

    public WorkflowClock AppClock => Clock ?? WorkflowClock.Real;

    /// <summary>A new order's workflow input in the current shape.</summary>
    public static ShipmentWorkflowInput Start(OrderKey order, string sourceEventId, DateTimeOffset acceptedAt, ShipmentPolicy policy, ProductionCompleted? completed = null,
        WorkflowClock? clock = null, DateTimeOffset? occurredAt = null) =>
        new(order, sourceEventId, acceptedAt, policy)
        {
            StateVersion = ShipmentLifecycleState.CurrentVersion, State = ShipmentLifecycleState.Start, Completed = completed, Clock = clock, OccurredAt = occurredAt,
        };

    /// <summary>When this episode's decisions are dated, before anything else arrives (see <see cref="DecisionClock"/>).</summary>
    public DecisionClock Decisions(ShipmentLifecycleState state) => new(AppClock, Policy.HandlingAllowance,
        Pending is null && state.Phase == ShipmentPhase.Registering ? OccurredAt : PendingAt);

    /// <summary>The lifecycle state to resume from, migrated from the old progress flags when the instance predates it.</summary>
    public ShipmentLifecycleState Resume() => StateVersion >= ShipmentLifecycleState.CurrentVersion && State is not null
        ? State
        : (Progress ?? ShipmentWorkflowProgress.Start).Migrate();

    /// <summary>The input of the next episode: the current shape, the old progress dropped.</summary>
    public ShipmentWorkflowInput Continue(ShipmentLifecycleState state, ShipmentWake wake, PlannerRetender? retender = null, DateTimeOffset? happenedAt = null) =>
        this with
        {
            Progress = null, StateVersion = ShipmentLifecycleState.CurrentVersion, State = state, Pending = wake, PendingRetender = retender,
            PendingAt = happenedAt,
            Completed = state.Phase == ShipmentPhase.Registering ? Completed : null,
        };
}

/// <summary>What woke the workflow at the end of its last episode.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ShipmentWake>))]
public enum ShipmentWake
{
    Resumed,
    HoldChanged,
    DeadlinePassed,
    RetenderRequested,

    /// <summary>The carrier reported the freight gone (<see cref="CarrierStatuses.CarrierStatusService.DepartedEvent"/>).</summary>
    CarrierDeparted,

    /// <summary>The carrier reported the freight delivered (<see cref="CarrierStatuses.CarrierStatusService.DeliveredEvent"/>).</summary>
    CarrierDelivered,
}

/// <summary>The state of shipment workflows started before <see cref="ShipmentLifecycle"/> (state version 0): ten flags.</summary>
public sealed record ShipmentWorkflowProgress(
    bool Registered = false,
    int? HoldDecisionVersion = null,
    DateTimeOffset? HeldSince = null,
    bool Escalated = false,
    bool ReadyRecorded = false,
    bool Planned = false,
    string? LoadId = null,
    bool Booked = false,
    DateTimeOffset? WithdrawBy = null,
    int PlanRevision = 0)
{
    public static readonly ShipmentWorkflowProgress Start = new();

    /// <summary>
    /// The same facts as a lifecycle state. The flags cannot tell an exhausted waterfall from planning that was off: both
    /// become <see cref="ShipmentPlan.Exhausted"/>, which only differs in the custom status shown until the next change.
    /// </summary>
    public ShipmentLifecycleState Migrate()
    {
        ShipmentPlan plan = !Planned ? ShipmentPlan.None : LoadId is not null ? ShipmentPlan.OnLoad : Booked ? ShipmentPlan.Booked : ShipmentPlan.Exhausted;
        ShipmentPhase phase = !Registered ? ShipmentPhase.Registering
            : HeldSince is not null && !ReadyRecorded ? (plan == ShipmentPlan.Booked ? ShipmentPhase.BookedHeld : ShipmentPhase.Held)
            : ShipmentLifecycle.PhaseOf(plan);
        return new ShipmentLifecycleState
        {
            Phase = phase,
            Plan = plan,
            HoldVersion = HoldDecisionVersion,
            HeldSince = HeldSince,
            Escalated = Escalated,
            ReadyRecorded = ReadyRecorded,
            LoadId = LoadId,
            WithdrawBy = WithdrawBy,
            PlanRevision = PlanRevision,
        };
    }
}

/// <summary>Raised on an order's shipment orchestration when its quality-hold ledger changed.</summary>
/// <param name="At">When the hold was placed or released (the event's <c>placedAt</c> / <c>releasedAt</c>; null: a planner's release, now).</param>
public sealed record QualityHoldSignal(int LedgerVersion, DateTimeOffset? At = null);

/// <summary>What the orchestration reports as its custom status.</summary>
public sealed record ShipmentWorkflowStatus(ShipmentStatus Status, IReadOnlyList<string> ActiveHoldIds);

/// <param name="Completed">The validated completion, when the workflow carries it; otherwise it is read from the events container.</param>
public sealed record RegisterShipmentRequest(OrderKey Order, string SourceEventId, DateTimeOffset AcceptedAt, DateTimeOffset At, ProductionCompleted? Completed = null);

/// <param name="RateAfter">For the ready decision of an order about to be rate shopped: rate (and send the first tender) in the same activity.</param>
public sealed record ShipmentDecisionRequest(OrderKey Order, ShipmentDecision Decision, IReadOnlyList<QualityHold> ActiveHolds, RateShipmentRequest? RateAfter = null);

public sealed record QualityHoldEscalationRequest(
    OrderKey Order, IReadOnlyList<QualityHold> ActiveHolds, DateTimeOffset HeldSince, TimeSpan EscalateAfter, DateTimeOffset At, string DecisionKey);
