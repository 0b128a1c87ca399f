using System.Text.Json;
using MesTms.Domain;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace MesTms.Tests.Orchestration;

/// <summary>
/// The shipment workflow on Microsoft.DurableTask.InProcessTestHost, with the real Cosmos adapters (emulator)
/// and a mocked planner notifier: hold wait, release, and escalation on timeout.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class ShipmentOrchestrationTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Waits_out_a_hold_escalates_once_on_timeout_and_becomes_ready_on_release()
    {
        var notifier = new Mock<IPlannerNotifier>();
        var notifications = new List<PlannerNotification>();
        notifier.Setup(n => n.PublishAsync(It.IsAny<PlannerNotification>(), It.IsAny<CancellationToken>()))
            .Callback((PlannerNotification n, CancellationToken _) => { lock (notifications) { notifications.Add(n); } })
            .Returns(Task.CompletedTask);
        await using DurableTaskTestHost host = await StartHostAsync(emulators, notifier.Object);
        var events = host.Services.GetRequiredService<IMesEventStore>();
        var holds = host.Services.GetRequiredService<IQualityHoldStore>();
        var shipments = host.Services.GetRequiredService<IShipmentStore>();

        (OrderKey order, ProductionCompletedEvent completed) = await RecordCompletionAsync(events, DateTimeOffset.UtcNow);
        await holds.UpdateAsync(order, l => l.Place("QH-1", "Seal check failed", DateTimeOffset.UtcNow));

        var policy = new ShipmentPolicy { HoldEscalationAfter = TimeSpan.FromSeconds(1) };
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShipmentOrchestration),
            new ShipmentWorkflowInput(order, completed.Id, DateTimeOffset.UtcNow, policy, ShipmentWorkflowProgress.Start),
            new Microsoft.DurableTask.StartOrchestrationOptions(order.ShipmentInstanceId));

        Shipment escalated = await WaitAsync(shipments, order, s => s.Decisions.Any(d => d.Decision == "Quality hold escalated"));
        Assert.Equal(ShipmentStatus.OnQualityHold, escalated.Status);
        // Each hold change continues as new, which briefly clears the custom status: read it once it is set again.
        ShipmentWorkflowStatus? status = null;
        for (int i = 0; i < 50 && status is null; i++)
        {
            OrchestrationMetadata? running = await host.Client.GetInstanceAsync(order.ShipmentInstanceId, getInputsAndOutputs: true);
            Assert.Equal(OrchestrationRuntimeStatus.Running, running!.RuntimeStatus);
            status = running.SerializedCustomStatus is null ? null : running.ReadCustomStatusAs<ShipmentWorkflowStatus>();
            await Task.Delay(status is null ? 100 : 0);
        }

        Assert.Equal(ShipmentStatus.OnQualityHold, status!.Status);
        Assert.Equal(["QH-1"], status.ActiveHoldIds);

        // Well past another escalation period: still exactly one escalation.
        await Task.Delay(TimeSpan.FromSeconds(2));
        PlannerNotification notification = Assert.Single(notifications);
        Assert.Equal(PlannerNotificationTypes.QualityHoldEscalated, notification.Type);
        Assert.Equal($"plants/P100/orders/{order.OrderId}", notification.Subject);

        (var ledger, _) = await holds.UpdateAsync(order, l => l.Release("QH-1", DateTimeOffset.UtcNow, "qa.lead", "re-inspected"));
        await host.Client.RaiseEventAsync(order.ShipmentInstanceId, ShipmentOrchestration.QualityHoldChangedEvent, new QualityHoldSignal(ledger.Version));

        Shipment ready = await WaitAsync(shipments, order, s => s.Status == ShipmentStatus.ReadyToShip);
        Assert.NotNull(ready.ReadyAt);
        Assert.Equal(["Completion received", "Held for quality", "Quality hold escalated", "Ready to ship"], ready.Decisions.Select(d => d.Decision));
        Assert.Single(notifications);
    }

    static async Task<DurableTaskTestHost> StartHostAsync(EmulatorFixture emulators, IPlannerNotifier notifier)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MesTms:Cosmos:Endpoint"] = emulators.Endpoints.CosmosEndpoint,
            ["MesTms:Cosmos:Key"] = EmulatorEndpoints.CosmosKey,
            ["MesTms:Cosmos:DatabaseName"] = EmulatorFixture.UniqueName("orch"),
            ["MesTms:Cosmos:Emulator"] = "true",
            ["MesTms:Cosmos:CreateIfNotExists"] = "true",
        }).Build();

        DurableTaskTestHost host = await DurableTaskTestHost.StartAsync(
            registry => registry.AddMesTmsWorkflows(),
            new DurableTaskTestHostOptions
            {
                Port = LocalEmulators.FreePort(),
                ConfigureServices = services =>
                {
                    services.AddSingleton(notifier);
                    services.AddMesTmsPipeline(configuration);
                },
            });
        await host.Services.GetRequiredService<CosmosStore>().EnsureCreatedAsync();
        return host;
    }

    [Fact]
    public async Task An_instance_started_with_the_old_progress_flags_finishes_under_the_lifecycle_and_is_migrated()
    {
        await using DurableTaskTestHost host = await StartHostAsync(emulators, Mock.Of<IPlannerNotifier>());
        var events = host.Services.GetRequiredService<IMesEventStore>();
        var holds = host.Services.GetRequiredService<IQualityHoldStore>();
        var shipments = host.Services.GetRequiredService<IShipmentStore>();

        // An order the previous code registered and held (hold decision for ledger version 1), released while it waited.
        DateTimeOffset heldSince = DateTimeOffset.UtcNow.AddHours(-2);
        (OrderKey order, ProductionCompletedEvent completed) = await RecordCompletionAsync(events, heldSince);
        await holds.UpdateAsync(order, l => l.Place("QH-1", "Seal check failed", heldSince));
        await holds.UpdateAsync(order, l => l.Release("QH-1", DateTimeOffset.UtcNow, "qa.lead", "re-inspected"));
        await shipments.UpdateAsync(order, _ => Shipment.Register(order, completed.Data, completed.Id, heldSince, heldSince, heldSince)
            .Decide("hold-1", heldSince, "Held for quality", "Nothing is planned until released. Active hold(s): QH-1: Seal check failed", heldSince,
                becomes: ShipmentStatus.OnQualityHold));

        // The input exactly as the old code continued it as new: ten progress flags, no state version.
        var oldShape = new
        {
            Order = new { order.PlantId, order.OrderId },
            SourceEventId = completed.Id,
            AcceptedAt = heldSince,
            Policy = new ShipmentPolicy(),
            Progress = new
            {
                Registered = true, HoldDecisionVersion = 1, HeldSince = heldSince, Escalated = false, ReadyRecorded = false, Planned = false,
                LoadId = (string?)null, Booked = false, WithdrawBy = (DateTimeOffset?)null, PlanRevision = 0,
            },
        };
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ShipmentOrchestration), oldShape,
            new Microsoft.DurableTask.StartOrchestrationOptions(order.ShipmentInstanceId));

        Shipment ready = await WaitAsync(shipments, order, s => s.Status == ShipmentStatus.ReadyToShip);
        Assert.Equal(["Completion received", "Held for quality", "Ready to ship"], ready.Decisions.Select(d => d.Decision));
        Assert.StartsWith("All quality holds released after 2", ready.Decisions[^1].Reason);

        // Planning is off here (no contracts): the migrated instance waits for the next hold change in the current shape, and
        // still acts on it.
        (QualityHoldLedger placed, _) = await holds.UpdateAsync(order, l => l.Place("QH-2", "Label smudged", DateTimeOffset.UtcNow));
        await host.Client.RaiseEventAsync(order.ShipmentInstanceId, ShipmentOrchestration.QualityHoldChangedEvent, new QualityHoldSignal(placed.Version));
        Shipment heldAgain = await WaitAsync(shipments, order, s => s.Status == ShipmentStatus.OnQualityHold);
        Assert.Equal($"hold-{placed.Version}", heldAgain.Decisions[^1].Key);
        Assert.Equal(["QH-2"], heldAgain.ActiveHolds.Select(h => h.HoldId));
    }

    /// <summary>A new order's completion event, recorded as the webhook records it.</summary>
    static async Task<(OrderKey Order, ProductionCompletedEvent Completed)> RecordCompletionAsync(IMesEventStore events, DateTimeOffset acceptedAt)
    {
        var order = new OrderKey("P100", "PO-" + Guid.NewGuid().ToString("N")[..8]);
        JsonElement data = MesEvents.Completed(order.OrderId)["data"]!.ToElement();
        var completed = new ProductionCompletedEvent("evt-" + order.OrderId, "/plants/P100/lines/L3", $"orders/{order.OrderId}", null,
            data.Deserialize<ProductionCompleted>(CosmosStore.Json)!);
        await events.RecordAcceptedAsync(completed, data, acceptedAt);
        return (order, completed);
    }

    static async Task<Shipment> WaitAsync(IShipmentStore shipments, OrderKey order, Func<Shipment, bool> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        Shipment? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await shipments.GetAsync(order);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Shipment {order} never met the condition; last: {JsonSerializer.Serialize(last, CosmosStore.Json)}");
    }
}
