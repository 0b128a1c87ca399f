using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.Azure.Cosmos;
using Microsoft.DurableTask.Client;

namespace MesTms.Tests.Integration;

/// <summary>The webhook and planner API end to end: HTTP in, Durable workflows, Cosmos (emulator) state out.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class WebhookEndToEndTests(EmulatorFixture emulators)
{
    [Theory]
    [InlineData("InMemory")]
    [InlineData("AzureStorage")]
    public async Task A_batch_of_100_completions_with_20_redeliveries_published_by_EventGridPublisherClient_yields_80_shipments(string backend)
    {
        await using TestApp app = await TestApp.StartAsync(emulators, backend);
        string run = Guid.NewGuid().ToString("N")[..6];
        List<CloudEvent> originals = Enumerable.Range(0, 80).Select(i => ToCloudEvent(MesEvents.Completed($"PO-{run}-{i:000}"))).ToList();
        List<CloudEvent> batch = [.. originals, .. originals.Take(20)];
        var publisher = new EventGridPublisherClient(new Uri(app.App.BaseAddress, "api/events/mes"), new AzureKeyCredential("local-test-key"));

        Response response = await publisher.SendEventsAsync(batch);

        Assert.Equal(200, response.Status);
        foreach (CloudEvent e in originals)
        {
            await app.WaitForShipmentAsync(e.Subject!["orders/".Length..], ShipmentStatus.ReadyToShip);
        }

        Container shipments = app.Service<CosmosStore>().Shipments;
        int count = await shipments.CountAsync("SELECT VALUE COUNT(1) FROM c");
        Assert.Equal(80, count);
        int accepted = await app.Service<CosmosStore>().Events.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.status = 'Accepted'");
        Assert.Equal(80, accepted);

        // Redelivering the whole batch again changes nothing: every event is reported as a duplicate.
        HttpResponseMessage again = await app.PostEventsAsync(new JsonArray(batch.Select(e => JsonNode.Parse(JsonSerializer.Serialize(ToNode(e)))).ToArray()).ToJsonString());
        JsonElement body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
        Assert.Equal(100, body.GetProperty("duplicates").GetInt32());
        Assert.Equal(80, await shipments.CountAsync("SELECT VALUE COUNT(1) FROM c"));
    }

    [Fact]
    public async Task Answers_the_Event_Grid_validation_handshake_and_the_CloudEvents_OPTIONS_handshake()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string validation = """
            [{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.EventGrid/topics/mes",
              "subject":"","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-11-25T08:00:00Z",
              "metadataVersion":"1","dataVersion":"1","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://example.invalid"}}]
            """;
        HttpResponseMessage answer = await app.Http.PostAsync("api/events/mes", new StringContent(validation, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        JsonElement body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", body.GetProperty("validationResponse").GetString());

        using var options = new HttpRequestMessage(HttpMethod.Options, "api/events/mes");
        options.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        HttpResponseMessage handshake = await app.Http.SendAsync(options);
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal("eventgrid.azure.net", handshake.Headers.GetValues("WebHook-Allowed-Origin").Single());

        using var bare = new HttpRequestMessage(HttpMethod.Options, "api/events/mes");
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.SendAsync(bare)).StatusCode);
    }

    [Fact]
    public async Task A_mixed_batch_accepts_the_valid_events_and_reports_and_stores_each_malformed_one()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string run = Guid.NewGuid().ToString("N")[..6];
        JsonObject good = MesEvents.Completed($"PO-{run}-ok");
        JsonObject badWeight = MesEvents.Completed($"PO-{run}-bad");
        badWeight["data"]!["handlingUnits"]![0]!["weight"] = -5;
        badWeight["data"]!["destination"]!["country"] = "USA";
        JsonObject badType = MesEvents.Completed($"PO-{run}-type");
        badType["type"] = "mes.production.finished.v9";
        badType.Remove("source");

        HttpResponseMessage response = await app.PostEventsAsync(MesEvents.Batch(good, badWeight, badType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        JsonElement[] results = body.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal("accepted", results[0].GetProperty("status").GetString());
        string[] weightFields = Fields(results[1]);
        Assert.Contains("data.handlingUnits[0].weight", weightFields);
        Assert.Contains("data.destination.country", weightFields);
        string[] typeFields = Fields(results[2]);
        Assert.Contains("type", typeFields);
        Assert.Contains("source", typeFields);
        await app.WaitForShipmentAsync($"PO-{run}-ok", ShipmentStatus.ReadyToShip);

        JsonElement rejected = await app.Http.GetFromJsonAsync<JsonElement>("api/events/rejected");
        JsonElement[] stored = rejected.GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(2, stored.Length);
        Assert.Contains(stored, e => e.GetProperty("rawEvent").GetString()!.Contains($"PO-{run}-bad") &&
            e.GetProperty("errors").EnumerateArray().Any(x => x.GetProperty("field").GetString() == "data.handlingUnits[0].weight"));

        // Nothing valid at all: 400 with a problem document that still lists every event's reasons.
        HttpResponseMessage allBad = await app.PostEventsAsync(MesEvents.Batch(badType));
        Assert.Equal(HttpStatusCode.BadRequest, allBad.StatusCode);
        Assert.Equal("application/problem+json", allBad.Content.Headers.ContentType!.MediaType);
        JsonElement problem = await allBad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("type", Fields(problem.GetProperty("events")[0]));

        HttpResponseMessage notJson = await app.PostEventsAsync("{not json");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task A_hold_that_arrives_before_its_completion_is_honoured_and_a_release_makes_the_order_ready()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];

        Assert.Equal(HttpStatusCode.OK, (await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-1")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)))).StatusCode);
        Shipment held = await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold);
        Assert.Equal("QH-1", Assert.Single(held.ActiveHolds).HoldId);
        Assert.Null(held.ReadyAt);

        Assert.Equal(HttpStatusCode.OK, (await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldReleased(order, "QH-1")))).StatusCode);
        Shipment ready = await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        Assert.Empty(ready.ActiveHolds);
        Assert.Equal(["Completion received", "Held for quality", "Ready to ship"], ready.Decisions.Select(d => d.Decision));
        Assert.Contains("released", ready.Decisions[^1].Reason);
    }

    [Theory]
    [InlineData("InMemory")]
    [InlineData("AzureStorage")]
    public async Task A_second_completion_for_the_same_order_does_not_start_or_restart_a_workflow(string backend)
    {
        await using TestApp app = await TestApp.StartAsync(emulators, backend);
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment first = await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        OrchestrationMetadata? before = await app.App.Durable.GetInstanceAsync($"shipment|P100|{order}");

        HttpResponseMessage second = await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        JsonElement body = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("duplicate completion", body.GetProperty("results")[0].GetProperty("route").GetString());
        Shipment after = await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        Assert.Equal(first.SourceEventId, after.SourceEventId);
        Assert.Equal(first.Decisions.Count, after.Decisions.Count);
        OrchestrationMetadata? now = await app.App.Durable.GetInstanceAsync($"shipment|P100|{order}");
        Assert.Equal(before!.CreatedAt, now!.CreatedAt);
        Assert.Equal(OrchestrationRuntimeStatus.Running, now.RuntimeStatus);
    }

    [Fact]
    public async Task An_unreleased_hold_escalates_to_planners_after_the_configured_time()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: new Dictionary<string, string?>
        {
            ["MesTms:Shipment:HoldEscalationAfter"] = "00:00:01",
        });
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order), MesEvents.HoldPlaced(order, "QH-9")));

        Shipment escalated = await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold,
            s => s.Decisions.Any(d => d.Decision == "Quality hold escalated"));
        Assert.Single(escalated.Decisions, d => d.Decision == "Quality hold escalated");

        Container outbox = app.Service<CosmosStore>().Notifications;
        Assert.Equal(1, await outbox.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'mestms.quality.hold.escalated.v1'"));

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldReleased(order, "QH-9")));
        await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
    }

    [Fact]
    public async Task A_planner_releases_a_hold_through_the_API_with_who_and_why_recorded()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order), MesEvents.HoldPlaced(order, "QH-5")));
        await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold);

        HttpResponseMessage missingWho = await app.Http.PostAsJsonAsync($"api/shipments/{order}/holds/QH-5/release", new { reason = "retested" });
        Assert.Equal(HttpStatusCode.BadRequest, missingWho.StatusCode);
        HttpResponseMessage unknownHold = await app.Http.PostAsJsonAsync($"api/shipments/{order}/holds/QH-9/release", new { releasedBy = "ann.planner", reason = "retested" });
        Assert.Equal(HttpStatusCode.Conflict, unknownHold.StatusCode);

        HttpResponseMessage released = await app.Http.PostAsJsonAsync($"api/shipments/{order}/holds/QH-5/release",
            new { releasedBy = "ann.planner", reason = "Seal re-inspected, lab OK" });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);

        Shipment ready = await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        MesTms.Domain.Holds.QualityHoldLedger ledger = await app.Service<IQualityHoldStore>().GetAsync(new MesTms.Domain.OrderKey("P100", order));
        MesTms.Domain.Holds.QualityHold hold = Assert.Single(ledger.Holds);
        Assert.Equal("ann.planner", hold.ReleasedBy);
        Assert.Equal("Released by planner: Seal re-inspected, lab OK", hold.ReleaseNote);
        Assert.Contains("released", ready.Decisions[^1].Reason);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Http.PostAsJsonAsync($"api/shipments/{order}/holds/QH-5/release",
            new { releasedBy = "ann.planner", reason = "again" })).StatusCode);
    }

    static string[] Fields(JsonElement result) =>
        (result.TryGetProperty("problem", out JsonElement p) ? p : result).GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("field").GetString()!).ToArray();

    static CloudEvent ToCloudEvent(JsonObject node)
    {
        var e = new CloudEvent(node["source"]!.GetValue<string>(), node["type"]!.GetValue<string>(),
            BinaryData.FromString(node["data"]!.ToJsonString()), "application/json")
        {
            Id = node["id"]!.GetValue<string>(),
            Subject = node["subject"]!.GetValue<string>(),
            Time = DateTimeOffset.Parse(node["time"]!.GetValue<string>()),
        };
        return e;
    }

    static JsonObject ToNode(CloudEvent e) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = e.Id,
        ["type"] = e.Type,
        ["source"] = e.Source,
        ["subject"] = e.Subject,
        ["data"] = JsonNode.Parse(e.Data!.ToString()),
    };
}
