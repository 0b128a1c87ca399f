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

    /// <summary>The load travels as one shipment: its shipment document is keyed by plant + load id.</summary>
    public OrderKey Shipment => new(PlantId, LoadId);
}

/// <param name="PlannedRevision">The load revision the carrier was planned for (null: not yet).</param>
public sealed record LoadWorkflowProgress(int? PlannedRevision = null)
{
    public static readonly LoadWorkflowProgress Start = new();
}

/// <summary>A load as the workflow sees it: its revision and how many orders are on it.</summary>
public sealed record LoadSnapshot(int Revision, int OrderCount);

public sealed record LoadRequest(string PlantId, string LoadId, DateTimeOffset At);

public sealed record WithdrawLoadPlanRequest(string PlantId, string LoadId, string Reason, bool Cancel, DateTimeOffset At);

public sealed record WithdrawFromLoadRequest(OrderKey Order, string Reason);

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
