using System.Net;
using System.Text;
using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// The webhook answers a large batch within its routing budget: what it could not route by then is recorded, put in the
/// outbox and routed right after the answer; an outbox entry a stopped host left behind is routed by the sweep.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class WebhookOutboxTests(EmulatorFixture emulators)
{
    static string NewOrder() => $"PO-{Guid.NewGuid():N}"[..14];

    [Fact]
    public async Task A_batch_past_the_routing_budget_is_answered_at_once_and_every_event_still_becomes_a_shipment()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: new Dictionary<string, string?> { ["MesTms:Webhook:RoutingBudget"] = "00:00:00" });
        string[] orders = Enumerable.Range(0, 20).Select(_ => NewOrder()).ToArray();

        string batch = MesEvents.Batch([.. orders.Select(o => MesEvents.Completed(o))]);
        HttpResponseMessage posted = await app.PostEventsAsync(batch);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        JsonElement body = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(20, body.GetProperty("accepted").GetInt32());
        Assert.All(body.GetProperty("results").EnumerateArray(), r => Assert.Equal(MesEventWebhook.RoutedAfterAnswer, r.GetProperty("route").GetString()));
        foreach (string order in orders)
        {
            await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        }

        // Each routed event left the outbox.
        await app.Service<PendingRoutes>().Background;
        Assert.DoesNotContain(await app.Service<IMesEventStore>().ListPendingRoutesAsync(DateTimeOffset.MaxValue, 1000),
            e => orders.Contains(e.OrderId));

        // A redelivery of the batch changes nothing.
        JsonElement again = JsonDocument.Parse(await (await app.PostEventsAsync(batch)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(20, again.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task An_event_left_in_the_outbox_by_a_host_that_stopped_after_answering_is_routed_by_the_sweep()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: new Dictionary<string, string?>
        {
            ["MesTms:Webhook:SweepAfter"] = "00:00:00",
            ["MesTms:Webhook:SweepInterval"] = "00:00:01",
        });
        string order = NewOrder();
        string id = $"evt-{Guid.NewGuid():N}";
        string hold = NewOrder();

        // What a webhook that answered and then stopped leaves behind: records waiting in the outbox, nothing routed.
        IMesEventStore store = app.Service<IMesEventStore>();
        foreach (string json in new[] { MesEvents.Batch(MesEvents.Completed(order, id: id)), MesEvents.Batch(MesEvents.HoldPlaced(hold, "QH-1")) })
        {
            IncomingEvent incoming = IncomingEventParser.Parse(Encoding.UTF8.GetBytes(json)).Events.Single();
            MesEvent mesEvent = MesEventValidator.Validate(incoming.Envelope).Event!;
            (MesEventRecord record, bool created) = await store.RecordAcceptedAsync(mesEvent, MesEventData.ToJson(mesEvent), app.Now, routePending: true);
            Assert.True(created);
            Assert.True(record.RoutePending);
        }

        Shipment routed = await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        Assert.Equal(id, routed.SourceEventId);

        // The hold reached the ledger too: the order's completion now waits for its release.
        HttpResponseMessage held = await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(hold)));
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        await app.WaitForShipmentAsync(hold, ShipmentStatus.OnQualityHold);

        // The redelivered completion is a duplicate, and the outbox is empty.
        JsonElement again = JsonDocument.Parse(await (await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order, id: id)))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await store.ListPendingRoutesAsync(DateTimeOffset.MaxValue, 1000)).Any(e => e.OrderId == order || e.OrderId == hold))
        {
            Assert.True(DateTime.UtcNow < deadline, "the records did not leave the outbox");
            await Task.Delay(200);
        }
    }
}
