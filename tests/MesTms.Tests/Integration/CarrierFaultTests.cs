using MesTms.Domain.Shipments;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// Carriers behind the HTTP adapter that answer 5xx, hang, drop the connection, decline or never answer (issue 11):
/// the waterfall moves to the next carrier within the tender timeout, each failing API is called a bounded number of
/// times (no HTTP retries; the activity's few), a carrier whose circuit is open is skipped at once, and when every
/// carrier fails the shipment is escalated — no order is left waiting.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class CarrierFaultTests(EmulatorFixture emulators)
{
    static readonly string[] AtlantaCarriers = ["SWFL", "GHZC", "CLDX", "HRTL"]; // Atlanta's feasible carriers, best first

    static async Task<(TestApp App, FakeCarriers Carriers)> StartAsync(EmulatorFixture emulators, params (string Scac, CarrierBehaviour Behaviour)[] behaviour)
    {
        FakeCarriers carriers = await FakeCarriers.StartAsync();
        foreach ((string scac, CarrierBehaviour b) in behaviour)
        {
            carriers.Behaviour[scac] = b;
        }

        Dictionary<string, string?> settings = TestApp.WithCarriers(new()
        {
            ["MesTms:Carriers:Simulation:Enabled"] = "false",
            ["MesTms:Carriers:Http:CallTimeout"] = "00:00:01",
            ["MesTms:Carriers:Http:MinimumThroughput"] = "2",
            ["MesTms:Carriers:Http:BreakDuration"] = "00:01:00",
            ["MesTms:Shipment:TenderSendAttempts"] = "2",
            ["MesTms:Shipment:TenderResponseTimeout"] = "00:00:03",
        });
        foreach ((string key, string? value) in carriers.Endpoints(AtlantaCarriers))
        {
            settings[key] = value;
        }

        TestApp app = await TestApp.StartAsync(emulators, settings: settings);
        carriers.Bridge = app.App.BaseAddress;
        return (app, carriers);
    }

    [Fact]
    public async Task A_5xx_a_hang_and_a_dropped_connection_each_move_the_tender_on_and_an_open_circuit_skips_the_carrier_at_once()
    {
        (TestApp app, FakeCarriers carriers) = await StartAsync(emulators,
            ("SWFL", CarrierBehaviour.ServerError), ("GHZC", CarrierBehaviour.Hang), ("CLDX", CarrierBehaviour.DropConnection), ("HRTL", CarrierBehaviour.Accept));
        await using (app)
        await using (carriers)
        {
            string first = "PO-" + Guid.NewGuid().ToString("N")[..8];
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(first)));

            Shipment booked = await app.WaitForShipmentAsync(first, ShipmentStatus.Booked);

            Assert.Equal(AtlantaCarriers, booked.Tenders.Select(t => t.Scac));
            Assert.Equal(["undeliverable", "undeliverable", "undeliverable", "accepted"], booked.Tenders.Select(t => t.Outcome));
            Assert.Contains("HTTP 503", booked.Tenders[0].Reason);
            Assert.Contains("did not answer", booked.Tenders[1].Reason);
            Assert.Contains("could not be reached", booked.Tenders[2].Reason);
            Assert.Equal("HRTL", booked.Booking!.Scac);
            // Two attempts each (MesTms:Shipment:TenderSendAttempts), never more: the HTTP pipeline does not retry.
            Assert.All(AtlantaCarriers[..3], scac => Assert.Equal(2, carriers.Calls(scac)));

            // Each failing carrier has failed twice: its circuit is open, so the next order skips it without a call.
            string second = "PO-" + Guid.NewGuid().ToString("N")[..8];
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(second)));
            Shipment again = await app.WaitForShipmentAsync(second, ShipmentStatus.Booked);

            Assert.Equal("HRTL", again.Booking!.Scac);
            Assert.All(again.Tenders.Take(3), t => Assert.Contains("circuit is open", t.Reason));
            Assert.All(AtlantaCarriers[..3], scac => Assert.Equal(2, carriers.Calls(scac)));
            Assert.Equal(2, carriers.Calls("HRTL"));
        }
    }

    [Fact]
    public async Task When_every_carrier_declines_stays_silent_fails_or_hangs_the_shipment_is_escalated_and_nothing_waits()
    {
        (TestApp app, FakeCarriers carriers) = await StartAsync(emulators,
            ("SWFL", CarrierBehaviour.Decline), ("GHZC", CarrierBehaviour.Silent), ("CLDX", CarrierBehaviour.ServerError), ("HRTL", CarrierBehaviour.Hang));
        await using (app)
        await using (carriers)
        {
            string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));

            Shipment exhausted = await app.WaitForShipmentAsync(order, ShipmentStatus.TenderExhausted);

            Assert.Equal(["declined", "timed out", "undeliverable", "undeliverable"], exhausted.Tenders.Select(t => t.Outcome));
            Assert.Equal(1, carriers.Calls("SWFL"));
            Assert.Equal(1, carriers.Calls("GHZC"));
            Assert.Equal(2, carriers.Calls("CLDX"));
            Assert.Equal(2, carriers.Calls("HRTL"));
            Assert.Equal(1, await app.Service<CosmosStore>().Notifications.CountAsync(
                $"SELECT VALUE COUNT(1) FROM c WHERE c.type = 'mestms.tender.exhausted.v1' AND c.data.orderId = '{order}'"));
            Microsoft.DurableTask.Client.OrchestrationMetadata? instance = await app.App.Durable.GetInstanceAsync($"shipment|P100|{order}", getInputsAndOutputs: true);
            Assert.Contains(nameof(ShipmentStatus.TenderExhausted), instance!.SerializedCustomStatus);
        }
    }
}
