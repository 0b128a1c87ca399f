using MesTms.Domain.Shipments;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// The local host's persistent path: the Durable sidecar over Azure Storage (Azurite). An order in flight when
/// the host goes away finishes after a new host starts on the same task hub and database.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class PersistentBackendTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task An_order_on_hold_when_the_host_stops_finishes_after_a_restart()
    {
        string hub = EmulatorFixture.UniqueName("hub");
        string database = EmulatorFixture.UniqueName("db");
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];

        await using (TestApp first = await TestApp.StartAsync(emulators, "AzureStorage", hub, database))
        {
            await first.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-1"), MesEvents.Completed(order)));
            await first.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold);
        }

        await using TestApp second = await TestApp.StartAsync(emulators, "AzureStorage", hub, database);
        await second.PostEventsAsync(MesEvents.Batch(MesEvents.HoldReleased(order, "QH-1")));
        Shipment ready = await second.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        Assert.Equal(["Completion received", "Held for quality", "Ready to ship"], ready.Decisions.Select(d => d.Decision));
    }
}
