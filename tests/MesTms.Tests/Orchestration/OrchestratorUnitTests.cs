using MesTms.Domain;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Domain.Tendering;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.CarrierStatuses;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Shipments;
using MesTms.Pipeline.Time;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;

namespace MesTms.Tests.Orchestration;

/// <summary>
/// Both workflows on a mocked <see cref="TaskOrchestrationContext"/> (the durabletask-dotnet unit-test style): the
/// activities they call, in order, what they continue as new with, and when they end — no backend, no emulator.
/// </summary>
public sealed class OrchestratorUnitTests
{
    static readonly DateTime Now = new(2026, 12, 8, 9, 0, 0, DateTimeKind.Utc);
    static readonly OrderKey Order = new("P100", "PO-1");

    static Mock<TaskOrchestrationContext> Context(List<string> calls, params string[] eventsThatArrive)
    {
        var context = new Mock<TaskOrchestrationContext>(MockBehavior.Loose) { CallBase = true }; // its own replay-safe logger over the factory below
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(Now);
        context.SetupGet(c => c.InstanceId).Returns(Order.ShipmentInstanceId);
        context.SetupGet(c => c.IsReplaying).Returns(false);
        context.Protected().SetupGet<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);
        // Events that arrive complete at once; every other wait stays open (so the wait that wins is the one under test).
        context.Setup(c => c.WaitForExternalEvent<string>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string name, CancellationToken _) => eventsThatArrive.Contains(name) ? Task.FromResult(name) : new TaskCompletionSource<string>().Task);
        context.Setup(c => c.WaitForExternalEvent<QualityHoldSignal>(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<QualityHoldSignal>().Task);
        context.Setup(c => c.WaitForExternalEvent<PlannerRetender>(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<PlannerRetender>().Task);
        context.Setup(c => c.CallActivityAsync<QualityHoldSnapshot>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? _, TaskOptions? _) => calls.Add(name.Name))
            .ReturnsAsync(new QualityHoldSnapshot(0, []));
        return context;
    }

    [Fact]
    public async Task An_order_alone_is_registered_made_ready_rated_and_booked_in_one_step_then_waits_and_completes_when_delivered()
    {
        var calls = new List<string>();
        Mock<TaskOrchestrationContext> context = Context(calls, CarrierStatusService.DeliveredEvent);
        RateShipmentRequest? rated = null;
        // The carrier accepts in the tender call: the ready activity rates, tenders and books at once.
        context.Setup(c => c.CallActivityAsync<ReadyToShipResult>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? input, TaskOptions? _) => { calls.Add(name.Name); rated = ((ShipmentDecisionRequest)input!).RateAfter; })
            .ReturnsAsync(new ReadyToShipResult(new DockResult(false, "none", null, "no forecast door"), new RateShipmentResult(false,
                [new TenderCandidate("SWFL", MesTms.Domain.Rating.ServiceMode.Ftl, MesTms.Domain.Rating.Equipment.DryVan, 1270m)], "1 quote",
                FirstSent: new TenderSendResult(Answer: new CarrierAnswer(true, null), Booked: true))));
        ShipmentWorkflowInput? next = null;
        context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>())).Callback((object? input, bool _) => next = (ShipmentWorkflowInput)input!);
        var clock = new WorkflowClock(new DateTimeOffset(Now), new DateTimeOffset(Now).AddDays(1), 300);
        ShipmentWorkflowInput start = ShipmentWorkflowInput.Start(Order, "evt-1", new DateTimeOffset(Now), new ShipmentPolicy(), clock: clock);

        ShipmentPhase phase = await new ShipmentOrchestration().RunAsync(context.Object, start);

        Assert.Equal(ShipmentPhase.Booked, phase);
        Assert.Equal([nameof(RegisterShipment), nameof(MarkReadyToShip)], calls);
        // The first tender is the waterfall's: its business id, its deadline on the app's clock (two hours after its now).
        Assert.Equal(new FirstTenderRequest(Order.ShipmentInstanceId, "P100.PO-1.T1", clock.ToApp(new DateTimeOffset(Now)).AddHours(2), "carrier booked"), rated!.FirstTender);
        // The carrier's delivery woke the wait: the next episode starts from it, with the lifecycle's state and the clock.
        Assert.NotNull(next);
        Assert.Equal((ShipmentPhase.Booked, ShipmentWake.CarrierDelivered, clock), (next.State!.Phase, next.Pending!.Value, next.Clock));

        calls.Clear();
        context.Invocations.Clear();
        ShipmentPhase end = await new ShipmentOrchestration().RunAsync(context.Object, next);

        Assert.Equal(ShipmentPhase.Delivered, end);
        Assert.Empty(calls);
        context.Verify(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()), Times.Never);
        context.Verify(c => c.SetCustomStatus(It.Is<object?>(s => s is ShipmentWorkflowStatus && ((ShipmentWorkflowStatus)s).Status == ShipmentStatus.Delivered)), Times.Once);
    }

    [Fact]
    public async Task A_load_is_prepared_tendered_booked_its_outcome_copied_to_its_orders_and_its_workflow_completes_when_delivered()
    {
        var calls = new List<string>();
        Mock<TaskOrchestrationContext> context = Context(calls, CarrierStatusService.DeliveredEvent);
        context.Setup(c => c.CallActivityAsync<LoadSnapshot>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? _, TaskOptions? _) => calls.Add(name.Name)).ReturnsAsync(new LoadSnapshot(0, 3));
        context.Setup(c => c.CallActivityAsync<RateShipmentResult>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? _, TaskOptions? _) => calls.Add(name.Name))
            .ReturnsAsync(new RateShipmentResult(false, [new TenderCandidate("HRTL", MesTms.Domain.Rating.ServiceMode.Ftl, MesTms.Domain.Rating.Equipment.DryVan, 1500m)], "1 quote",
                FirstSent: new TenderSendResult(Answer: new CarrierAnswer(true, null), Booked: true)));
        context.Setup(c => c.CallActivityAsync<ShipmentStatus>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName name, object? _, TaskOptions? _) => calls.Add(name.Name)).ReturnsAsync(ShipmentStatus.Booked);

        LoadWorkflowOutcome outcome = await new LoadOrchestration().RunAsync(context.Object,
            new LoadWorkflowInput("P100", "L-P100-US-303-D00001", new ShipmentPolicy(), LoadWorkflowProgress.Start));

        Assert.Equal(LoadWorkflowOutcome.Delivered, outcome);
        Assert.Equal([nameof(PrepareLoadShipment), nameof(RateShipment), nameof(ApplyLoadOutcome)], calls);
        context.Verify(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()), Times.Never);
    }
}
