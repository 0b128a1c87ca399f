using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using MesTms.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MesTms.Tests.Integration;

/// <summary>Planner notifications delivered from the outbox to plain webhook subscribers, through the local host.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class NotificationDeliveryTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Subscribers_receive_every_notification_once_per_id_with_retries_and_dead_letters()
    {
        await using Subscribers hooks = await Subscribers.StartAsync();
        hooks.FailFirst["flaky"] = 2;
        hooks.AlwaysFail.Add("dead");
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(new()
        {
            ["MesTms:Notifications:Subscribers:planners:Endpoint"] = hooks.Url("planners"),
            ["MesTms:Notifications:Subscribers:planners:Secret"] = "s3cret",
            ["MesTms:Notifications:Subscribers:flaky:Endpoint"] = hooks.Url("flaky"),
            ["MesTms:Notifications:Subscribers:flaky:Types"] = "mestms.shipment.booked.v1",
            ["MesTms:Notifications:Subscribers:dead:Endpoint"] = hooks.Url("dead"),
            ["MesTms:Notifications:DeliveryAttempts"] = "3",
            ["MesTms:Notifications:RetryAfter"] = "00:00:00.200",
            ["MesTms:Notifications:MaxRetryDelay"] = "00:00:00.500",
            ["MesTms:Notifications:SweepInterval"] = "00:00:00.200",
        }));
        string[] orders = ["NT-" + Guid.NewGuid().ToString("N")[..8], "NT-" + Guid.NewGuid().ToString("N")[..8], "NT-" + Guid.NewGuid().ToString("N")[..8]];
        JsonObject[] completions = orders.Select(o => MesEvents.Completed(o)).ToArray();
        await app.PostEventsAsync(MesEvents.Batch(completions));
        foreach (string order in orders)
        {
            await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);
        }

        // Event Grid delivers again: the same events change nothing, so no notification gets a new id.
        await app.PostEventsAsync(MesEvents.Batch(completions));
        NotificationList outbox = await WaitUntilSettledAsync(app, expected: 3);

        Assert.Contains(outbox.Notifications, n => n.Type == PlannerNotificationTypes.ShipmentBooked);
        List<string> ids = outbox.Notifications.Select(n => n.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Every notification reached "planners", with its secret, as a structured CloudEvent; never an id under two contents.
        Assert.Equal(ids.Order(), hooks.Received("planners").Select(r => r.Id).Distinct().Order());
        Assert.All(hooks.Received("planners"), r =>
        {
            Assert.Equal("s3cret", r.Secret);
            Assert.StartsWith("application/cloudevents+json", r.ContentType);
            JsonNode body = JsonNode.Parse(r.Body)!;
            Assert.Equal("1.0", body["specversion"]!.GetValue<string>());
            Assert.Equal(r.Id, body["id"]!.GetValue<string>());
            Assert.NotNull(body["data"]);
        });
        Assert.All(hooks.AllReceived.GroupBy(r => r.Id), g => Assert.Single(g.Select(r => r.Body).Distinct()));
        // The published schema describes what arrives, and every notification links to the API resource it is about.
        JsonSchema schema = JsonSchema.FromText(await app.Http.GetStringAsync("api/schemas/planner-notifications.v1.json"),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        Assert.All(hooks.Received("planners"), r =>
        {
            using JsonDocument document = JsonDocument.Parse(r.Body);
            EvaluationResults result = schema.Evaluate(document.RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, r.Body);
        });
        JsonNode stripped = JsonNode.Parse(hooks.Received("planners")[0].Body)!;
        stripped["data"]!.AsObject().Remove("link");
        Assert.False(schema.Evaluate(JsonSerializer.SerializeToElement(stripped), new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid,
            "the schema must require data.link");
        foreach (NotificationView booking in outbox.Notifications.Where(n => n.Type == PlannerNotificationTypes.ShipmentBooked))
        {
            string link = booking.Data.GetProperty("link").GetString()!;
            ShipmentView linked = (await app.Http.GetFromJsonAsync<ShipmentView>(link.TrimStart('/'), CosmosStore.Json))!;
            Assert.Equal(booking.Data.GetProperty("orderId").GetString(), linked.OrderId);
        }
        Assert.True(hooks.Handshakes("planners") >= 1);

        // "flaky" wants bookings only; it failed each one twice and took the third attempt.
        List<NotificationView> booked = outbox.Notifications.Where(n => n.Type == PlannerNotificationTypes.ShipmentBooked).ToList();
        Assert.Equal(booked.Select(n => n.Id).Order(), hooks.Received("flaky").Select(r => r.Id).Distinct().Order());
        Assert.All(booked, n =>
        {
            NotificationDelivery flaky = Assert.Single(n.Deliveries, d => d.Subscriber == "flaky");
            Assert.Equal(NotificationDelivery.Delivered, flaky.Status);
            Assert.Equal(3, flaky.Attempts);
        });
        Assert.All(outbox.Notifications.Where(n => n.Type != PlannerNotificationTypes.ShipmentBooked), n => Assert.DoesNotContain(n.Deliveries, d => d.Subscriber == "flaky"));

        // "dead" never answers 2xx: after the last attempt each delivery is dead-lettered with why.
        Assert.All(outbox.Notifications, n =>
        {
            NotificationDelivery dead = Assert.Single(n.Deliveries, d => d.Subscriber == "dead");
            Assert.Equal(NotificationDelivery.DeadLettered, dead.Status);
            Assert.Equal(3, dead.Attempts);
            Assert.Contains("HTTP 503", dead.LastError);
        });
    }

    [Fact]
    public async Task The_notification_feed_filters_by_type_and_order_newest_first()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers());
        string first = "NF-" + Guid.NewGuid().ToString("N")[..8], second = "NF-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(first)));
        await app.WaitForShipmentAsync(first, ShipmentStatus.Booked);
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(second)));
        await app.WaitForShipmentAsync(second, ShipmentStatus.Booked);

        NotificationList all = (await app.Http.GetFromJsonAsync<NotificationList>("api/notifications", CosmosStore.Json))!;
        NotificationList booked = (await app.Http.GetFromJsonAsync<NotificationList>($"api/notifications?type={PlannerNotificationTypes.ShipmentBooked}", CosmosStore.Json))!;
        NotificationList forFirst = (await app.Http.GetFromJsonAsync<NotificationList>($"api/notifications?orderId={first}", CosmosStore.Json))!;

        Assert.Equal(all.Notifications.OrderByDescending(n => n.Time).Select(n => n.Id), all.Notifications.Select(n => n.Id));
        Assert.Equal(2, booked.Count);
        Assert.All(booked.Notifications, n => Assert.Equal(PlannerNotificationTypes.ShipmentBooked, n.Type));
        Assert.True(booked.Notifications[0].Time >= booked.Notifications[1].Time);
        Assert.NotEmpty(forFirst.Notifications);
        Assert.All(forFirst.Notifications, n => Assert.Contains(first, n.Subject + n.Data.GetRawText()));
        Assert.DoesNotContain(forFirst.Notifications, n => (n.Subject + n.Data.GetRawText()).Contains(second));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await app.Http.GetAsync("api/notifications?limit=0")).StatusCode);
    }

    [Fact]
    public async Task A_subscriber_that_refuses_the_webhook_handshake_gets_nothing_and_its_deliveries_say_why()
    {
        await using Subscribers hooks = await Subscribers.StartAsync();
        hooks.RefuseHandshake.Add("closed");
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(new()
        {
            ["MesTms:Notifications:Subscribers:closed:Endpoint"] = hooks.Url("closed"),
            ["MesTms:Notifications:DeliveryAttempts"] = "2",
            ["MesTms:Notifications:RetryAfter"] = "00:00:00.100",
            ["MesTms:Notifications:SweepInterval"] = "00:00:00.100",
        }));
        string order = "NH-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        NotificationList outbox = await WaitUntilSettledAsync(app, expected: 1);

        Assert.Empty(hooks.Received("closed"));
        Assert.All(outbox.Notifications, n =>
        {
            NotificationDelivery closed = Assert.Single(n.Deliveries);
            Assert.Equal(NotificationDelivery.DeadLettered, closed.Status);
            Assert.Contains("webhook handshake refused", closed.LastError);
        });
    }

    static async Task<NotificationList> WaitUntilSettledAsync(TestApp app, int expected)
    {
        DateTimeOffset deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            NotificationList list = (await app.Http.GetFromJsonAsync<NotificationList>("api/notifications", CosmosStore.Json))!;
            if (list.Count >= expected && list.Notifications.All(n => n.Deliveries.All(d => d.Status != NotificationDelivery.Pending)))
            {
                return list;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"deliveries still pending: {string.Join("; ", list.Notifications.SelectMany(n => n.Deliveries.Select(d => $"{n.Id} {d.Subscriber} {d.Status} {d.Attempts}")))}");
            await Task.Delay(200);
        }
    }

    sealed record Delivery(string Subscriber, string Id, string Body, string? Secret, string? ContentType);

    /// <summary>Webhook receivers: answer the CloudEvents handshake, record every POST, fail as told.</summary>
    sealed class Subscribers : IAsyncDisposable
    {
        readonly WebApplication app;
        readonly ConcurrentQueue<Delivery> received = new();
        readonly ConcurrentDictionary<string, int> handshakes = new();
        readonly ConcurrentDictionary<string, int> posts = new();

        Subscribers(WebApplication app) => this.app = app;

        public Uri BaseAddress { get; private set; } = null!;

        public ConcurrentDictionary<string, int> FailFirst { get; } = new();

        public ConcurrentBag<string> AlwaysFail { get; } = [];

        public ConcurrentBag<string> RefuseHandshake { get; } = [];

        public string Url(string name) => new Uri(BaseAddress, $"hooks/{name}").ToString();

        public IReadOnlyList<Delivery> Received(string name) => received.Where(r => r.Subscriber == name).ToList();

        public IReadOnlyList<Delivery> AllReceived => received.ToList();

        public int Handshakes(string name) => handshakes.GetValueOrDefault(name);

        public static async Task<Subscribers> StartAsync()
        {
            Subscribers? hooks = null;
            (WebApplication web, Uri address) = await LoopbackServer.StartAsync(web => Map(web, () => hooks!));
            hooks = new Subscribers(web) { BaseAddress = address };
            return hooks;
        }

        static void Map(WebApplication web, Func<Subscribers> subscribers)
        {
            web.MapMethods("/hooks/{name}", ["OPTIONS"], (HttpContext http, string name) =>
            {
                subscribers().handshakes.AddOrUpdate(name, 1, (_, n) => n + 1);
                if (subscribers().RefuseHandshake.Contains(name))
                {
                    return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
                }

                http.Response.Headers["WebHook-Allowed-Origin"] = http.Request.Headers["WebHook-Request-Origin"].ToString();
                return Results.Ok();
            });
            web.MapPost("/hooks/{name}", async (HttpContext http, string name) =>
            {
                string body = await new StreamReader(http.Request.Body).ReadToEndAsync();
                string id = JsonNode.Parse(body)!["id"]!.GetValue<string>();
                int n = subscribers().posts.AddOrUpdate($"{name}|{id}", 1, (_, c) => c + 1);
                if (subscribers().AlwaysFail.Contains(name) || n <= subscribers().FailFirst.GetValueOrDefault(name))
                {
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }

                subscribers().received.Enqueue(new Delivery(name, id, body, http.Request.Headers["X-MesTms-Secret"].FirstOrDefault(), http.Request.ContentType));
                return Results.Ok();
            });
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
