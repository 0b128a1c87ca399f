using MesTms.Domain.Shipments;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Shipments;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace MesTms.Functions;

/// <summary>
/// Durable triggers of the shipment workflow. The orchestrator and activities live in MesTms.Pipeline and run
/// unchanged on the local host and in tests; these functions only bind them to the Functions runtime.
/// </summary>
public sealed class ShipmentWorkflowFunctions(
    RegisterShipment registerShipment,
    ReadQualityHolds readQualityHolds,
    RecordShipmentDecision recordShipmentDecision,
    EscalateQualityHold escalateQualityHold,
    RateShipment rateShipment,
    SendTender sendTender,
    RecordTenderOutcome recordTenderOutcome,
    BookShipment bookShipment,
    ReportTenderExhausted reportTenderExhausted,
    RetenderShipment retenderShipment,
    MarkReadyToShip markReadyToShip,
    ScheduleDock scheduleDock,
    SuspendBookingForHold suspendBookingForHold,
    ReleaseForecastDoorForHold releaseForecastDoorForHold,
    WithdrawOpenTender withdrawOpenTender,
    WithdrawTenderForHold withdrawTenderForHold)
{
    [Function(nameof(ShipmentOrchestration))]
    public static Task<ShipmentPhase> RunShipmentOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ShipmentOrchestration().RunAsync(context, context.GetInput<ShipmentWorkflowInput>()
            ?? throw new InvalidOperationException("ShipmentOrchestration needs its input."));

    [Function(nameof(RegisterShipment))]
    public Task<QualityHoldSnapshot> RunRegisterShipment([ActivityTrigger] RegisterShipmentRequest input, FunctionContext context) =>
        registerShipment.RunAsync(new FunctionActivityContext(nameof(RegisterShipment), context), input);

    [Function(nameof(ReadQualityHolds))]
    public Task<QualityHoldSnapshot> RunReadQualityHolds([ActivityTrigger] MesTms.Domain.OrderKey input, FunctionContext context) =>
        readQualityHolds.RunAsync(new FunctionActivityContext(nameof(ReadQualityHolds), context), input);

    [Function(nameof(RecordShipmentDecision))]
    public Task<bool> RunRecordShipmentDecision([ActivityTrigger] ShipmentDecisionRequest input, FunctionContext context) =>
        recordShipmentDecision.RunAsync(new FunctionActivityContext(nameof(RecordShipmentDecision), context), input);

    [Function(nameof(EscalateQualityHold))]
    public Task<bool> RunEscalateQualityHold([ActivityTrigger] QualityHoldEscalationRequest input, FunctionContext context) =>
        escalateQualityHold.RunAsync(new FunctionActivityContext(nameof(EscalateQualityHold), context), input);

    [Function(nameof(RateShipment))]
    public Task<RateShipmentResult> RunRateShipment([ActivityTrigger] RateShipmentRequest input, FunctionContext context) =>
        rateShipment.RunAsync(new FunctionActivityContext(nameof(RateShipment), context), input);

    [Function(nameof(SendTender))]
    public Task<string?> RunSendTender([ActivityTrigger] SendTenderRequest input, FunctionContext context) =>
        sendTender.RunAsync(new FunctionActivityContext(nameof(SendTender), context), input);

    [Function(nameof(RecordTenderOutcome))]
    public Task<bool> RunRecordTenderOutcome([ActivityTrigger] TenderOutcomeRequest input, FunctionContext context) =>
        recordTenderOutcome.RunAsync(new FunctionActivityContext(nameof(RecordTenderOutcome), context), input);

    [Function(nameof(BookShipment))]
    public Task<bool> RunBookShipment([ActivityTrigger] BookShipmentRequest input, FunctionContext context) =>
        bookShipment.RunAsync(new FunctionActivityContext(nameof(BookShipment), context), input);

    [Function(nameof(RetenderShipment))]
    public Task<bool> RunRetenderShipment([ActivityTrigger] RetenderShipmentRequest input, FunctionContext context) =>
        retenderShipment.RunAsync(new FunctionActivityContext(nameof(RetenderShipment), context), input);

    [Function(nameof(ReportTenderExhausted))]
    public Task<bool> RunReportTenderExhausted([ActivityTrigger] TenderExhaustedRequest input, FunctionContext context) =>
        reportTenderExhausted.RunAsync(new FunctionActivityContext(nameof(ReportTenderExhausted), context), input);

    [Function(nameof(MarkReadyToShip))]
    public Task<ReadyToShipResult> RunMarkReadyToShip([ActivityTrigger] ShipmentDecisionRequest input, FunctionContext context) =>
        markReadyToShip.RunAsync(new FunctionActivityContext(nameof(MarkReadyToShip), context), input);

    [Function(nameof(ScheduleDock))]
    public Task<DockResult> RunScheduleDock([ActivityTrigger] ScheduleDockRequest input, FunctionContext context) =>
        scheduleDock.RunAsync(new FunctionActivityContext(nameof(ScheduleDock), context), input);

    [Function(nameof(WithdrawOpenTender))]
    public Task<bool> RunWithdrawOpenTender([ActivityTrigger] TenderOutcomeRequest input, FunctionContext context) =>
        withdrawOpenTender.RunAsync(new FunctionActivityContext(nameof(WithdrawOpenTender), context), input);

    [Function(nameof(ReleaseForecastDoorForHold))]
    public Task<bool> RunReleaseForecastDoorForHold([ActivityTrigger] ForecastDoorReleaseRequest input, FunctionContext context) =>
        releaseForecastDoorForHold.RunAsync(new FunctionActivityContext(nameof(ReleaseForecastDoorForHold), context), input);

    [Function(nameof(SuspendBookingForHold))]
    public Task<SuspendBookingResult> RunSuspendBookingForHold([ActivityTrigger] SuspendBookingRequest input, FunctionContext context) =>
        suspendBookingForHold.RunAsync(new FunctionActivityContext(nameof(SuspendBookingForHold), context), input);

    [Function(nameof(WithdrawTenderForHold))]
    public Task<bool> RunWithdrawTenderForHold([ActivityTrigger] WithdrawTenderRequest input, FunctionContext context) =>
        withdrawTenderForHold.RunAsync(new FunctionActivityContext(nameof(WithdrawTenderForHold), context), input);
}

/// <summary>The activity context the shared activities expect, filled from the Functions invocation.</summary>
internal sealed class FunctionActivityContext(string name, FunctionContext context) : TaskActivityContext
{
    public override TaskName Name => name;

    public override string InstanceId => context.BindingContext.BindingData.TryGetValue("instanceId", out object? id) ? id?.ToString() ?? "" : "";
}
