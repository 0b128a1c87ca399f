using System.Net;
using System.Net.Http.Json;
using MesTms.Domain;
using MesTms.Domain.Shipments;
using MesTms.Tests.Fixtures;
using Microsoft.DurableTask.Client;

namespace MesTms.Tests.Integration;

/// <summary>Workflows end: a delivered order's instance completes, and ended instances are purged after the retention.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class WorkflowEndTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task A_delivered_orders_workflow_completes_and_is_purged_after_the_retention()
    {
        Dictionary<string, string?> settings = TestApp.WithCarriers(new()
        {
            ["MesTms:Docks:ModelPath"] = DockModels.AllDay(),
            ["MesTms:Workflows:Retention"] = "00:00:02",
            ["MesTms:Workflows:SweepInterval"] = "00:00:00.5",
        });
        // The persistent backend (Azure Storage on Azurite), as the local host runs it: it purges by filter.
        await using TestApp app = await TestApp.StartAsync(emulators, backend: "AzureStorage", settings: settings);
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is { Status: "Booked" });
        string tender = booked.Booking!.TenderId;
        DurableTaskClient durable = app.Service<DurableTaskClient>();
        string instance = new OrderKey("P100", order).ShipmentInstanceId;
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await durable.GetInstanceAsync(instance))!.RuntimeStatus);

        DateTimeOffset door = booked.DockAppointment!.Start;
        foreach ((string status, DateTimeOffset at) in new[] { (CarrierStatusCodes.DepartedPickup, door.AddHours(1)), (CarrierStatusCodes.Delivered, door.AddDays(1)) })
        {
            app.ClockAtLeast(at);
            Assert.Equal(HttpStatusCode.OK, (await app.Http.PostAsJsonAsync($"api/tenders/{tender}/status", new { status, at })).StatusCode);
        }

        // Delivered: the instance completes with the lifecycle's final phase as its output...
        OrchestrationMetadata? done = null;
        for (int i = 0; i < 100 && done?.RuntimeStatus != OrchestrationRuntimeStatus.Completed; i++)
        {
            await Task.Delay(100);
            done = await durable.GetInstanceAsync(instance, getInputsAndOutputs: true);
        }

        Assert.NotNull(done);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(ShipmentPhase.Delivered, done.ReadOutputAs<ShipmentPhase>());

        // ...and once older than the retention it is purged from the backend; the shipment document stays.
        for (int i = 0; i < 100 && await durable.GetInstanceAsync(instance) is not null; i++)
        {
            await Task.Delay(100);
        }

        Assert.Null(await durable.GetInstanceAsync(instance));
        Assert.Equal(ShipmentStatus.Delivered, (await app.WaitForShipmentAsync(order, ShipmentStatus.Delivered)).Status);
    }
}
