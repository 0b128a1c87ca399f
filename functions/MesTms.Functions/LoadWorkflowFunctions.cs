using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Shipments;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace MesTms.Functions;

/// <summary>
/// Durable triggers of consolidation and the load workflow. The consolidation activities start and signal load
/// workflows, so they take the Functions host's Durable client binding.
/// </summary>
public sealed class LoadWorkflowFunctions(
    LoadConsolidation consolidation,
    PrepareLoadShipment prepareLoadShipment,
    ApplyLoadOutcome applyLoadOutcome,
    WithdrawLoadPlan withdrawLoadPlan,
    ReadLoadSnapshot readLoadSnapshot)
{
    [Function(nameof(LoadOrchestration))]
    public static Task<LoadWorkflowOutcome> RunLoadOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new LoadOrchestration().RunAsync(context, context.GetInput<LoadWorkflowInput>()
            ?? throw new InvalidOperationException("LoadOrchestration needs its input."));

    [Function(nameof(ConsolidateOrder))]
    public Task<ConsolidationStep> RunConsolidateOrder([ActivityTrigger] ConsolidationRequest input, [DurableClient] DurableTaskClient durable) =>
        consolidation.ConsolidateAsync(new OrderKey(input.PlantId, input.OrderId), durable, input.At);

    [Function(nameof(WithdrawFromLoad))]
    public Task<string> RunWithdrawFromLoad([ActivityTrigger] WithdrawFromLoadRequest input, [DurableClient] DurableTaskClient durable) =>
        consolidation.WithdrawAsync(input.Order, input.Reason, durable, input.At);

    [Function(nameof(PrepareLoadShipment))]
    public Task<LoadSnapshot> RunPrepareLoadShipment([ActivityTrigger] LoadRequest input, FunctionContext context) =>
        prepareLoadShipment.RunAsync(new FunctionActivityContext(nameof(PrepareLoadShipment), context), input);

    [Function(nameof(ApplyLoadOutcome))]
    public Task<ShipmentStatus> RunApplyLoadOutcome([ActivityTrigger] LoadRequest input, FunctionContext context) =>
        applyLoadOutcome.RunAsync(new FunctionActivityContext(nameof(ApplyLoadOutcome), context), input);

    [Function(nameof(WithdrawLoadPlan))]
    public Task<bool> RunWithdrawLoadPlan([ActivityTrigger] WithdrawLoadPlanRequest input, FunctionContext context) =>
        withdrawLoadPlan.RunAsync(new FunctionActivityContext(nameof(WithdrawLoadPlan), context), input);

    [Function(nameof(ReadLoadSnapshot))]
    public Task<LoadSnapshot> RunReadLoadSnapshot([ActivityTrigger] LoadRequest input, FunctionContext context) =>
        readLoadSnapshot.RunAsync(new FunctionActivityContext(nameof(ReadLoadSnapshot), context), input);
}
