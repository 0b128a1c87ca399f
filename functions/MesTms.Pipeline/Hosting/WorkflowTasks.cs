using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Shipments;

namespace MesTms.Pipeline.Hosting;

public enum WorkflowTaskKind
{
    Orchestrator,
    Activity,
}

/// <summary>One orchestrator or activity: the name it is called by and the class that runs it.</summary>
public sealed record WorkflowTask(string Name, Type Type, WorkflowTaskKind Kind);

/// <summary>
/// The one list of every orchestrator and activity. The local host's and the tests' Durable workers register exactly
/// these (<see cref="PipelineServices.AddMesTmsWorkflows"/>), the Functions app resolves them
/// (<see cref="PipelineServices.AddMesTmsActivities"/>), and a test checks that the Functions app's
/// <c>functions.metadata</c> binds each with the right trigger.
/// </summary>
public static class WorkflowTasks
{
    public static readonly IReadOnlyList<WorkflowTask> All =
    [
        Orchestrator<ShipmentOrchestration>(),
        Activity<RegisterShipment>(),
        Activity<ReadQualityHolds>(),
        Activity<RecordShipmentDecision>(),
        Activity<EscalateQualityHold>(),
        Activity<RateShipment>(),
        Activity<SendTender>(),
        Activity<RecordTenderOutcome>(),
        Activity<BookShipment>(),
        Activity<ReportTenderExhausted>(),
        Activity<RetenderShipment>(),
        Activity<WithdrawOpenTender>(),
        Orchestrator<LoadOrchestration>(),
        Activity<ConsolidateOrder>(),
        Activity<WithdrawFromLoad>(),
        Activity<PrepareLoadShipment>(),
        Activity<ApplyLoadOutcome>(),
        Activity<WithdrawLoadPlan>(),
        Activity<ReadLoadSnapshot>(),
        Activity<MarkReadyToShip>(),
        Activity<ScheduleDock>(),
        Activity<SuspendBookingForHold>(),
        Activity<ReleaseForecastDoorForHold>(),
        Activity<WithdrawTenderForHold>(),
    ];

    static WorkflowTask Orchestrator<T>() => new(typeof(T).Name, typeof(T), WorkflowTaskKind.Orchestrator);

    static WorkflowTask Activity<T>() => new(typeof(T).Name, typeof(T), WorkflowTaskKind.Activity);
}
