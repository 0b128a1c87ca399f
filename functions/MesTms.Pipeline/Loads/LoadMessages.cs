using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Time;

namespace MesTms.Pipeline.Loads;

/// <summary>Input of <see cref="LoadOrchestration"/>; <see cref="Progress"/> carries state across ContinueAsNew.</summary>
public sealed record LoadWorkflowInput(string PlantId, string LoadId, ShipmentPolicy Policy, LoadWorkflowProgress Progress)
{
    /// <summary>The app's clock the workflow decides and waits on (null: the real clock).</summary>
    public WorkflowClock? Clock { get; init; }

    public WorkflowClock AppClock => Clock ?? WorkflowClock.Real;

    /// <summary>When the load closed: its first planning is dated by it (null: as of now).</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>When this episode's decisions are dated, before anything else arrives.</summary>
    public DecisionClock Decisions() => new(AppClock, Policy.HandlingAllowance, Progress.PlannedRevision is null ? ClosedAt : null);

    /// <summary>The load travels as one shipment: its shipment document is keyed by plant + load id.</summary>
    public OrderKey Shipment => new(PlantId, LoadId);
}

/// <param name="PlannedRevision">The load revision the carrier was planned for (null: not yet).</param>
public sealed record LoadWorkflowProgress(int? PlannedRevision = null)
{
    public static readonly LoadWorkflowProgress Start = new();
}

/// <summary>A load as the workflow sees it: its revision and how many orders are on it.</summary>
/// <param name="ChangedAt">When the load last changed (a member taken off is dated by its hold): the re-plan is dated by it.</param>
public sealed record LoadSnapshot(int Revision, int OrderCount, DateTimeOffset? ChangedAt = null);

public sealed record LoadRequest(string PlantId, string LoadId, DateTimeOffset At);

/// <summary>
/// Join (or review) an order's open load, dated <paramref name="At"/> (the decision's moment; null: now). Flat, so a
/// request queued as a bare order key before it carried a moment still reads.
/// </summary>
public sealed record ConsolidationRequest(string PlantId, string OrderId, DateTimeOffset? At = null);

public sealed record WithdrawLoadPlanRequest(string PlantId, string LoadId, string Reason, bool Cancel, DateTimeOffset At);

public sealed record WithdrawFromLoadRequest(OrderKey Order, string Reason, DateTimeOffset? At = null);

/// <summary>How one episode of <see cref="LoadOrchestration"/> ended.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<LoadWorkflowOutcome>))]
public enum LoadWorkflowOutcome
{
    /// <summary>The carrier plan stands (booked, exhausted or planning off) and the load waits for membership changes.</summary>
    Planned,

    /// <summary>Every order was taken off: the plan was withdrawn and the load cancelled. The workflow ends.</summary>
    Cancelled,

    /// <summary>A material change stopped the tender waterfall: the load is planned again in the next episode.</summary>
    Replanning,

    /// <summary>The load's truck delivered: the workflow ends.</summary>
    Delivered,
}
