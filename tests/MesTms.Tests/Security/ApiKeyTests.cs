using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MesTms.Domain.Shipments;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Security;

/// <summary>
/// The three keys through HTTP on the local host: the MES key for the webhook, the planner key for the planner API, and
/// one key per carrier, which answers only that carrier's tenders. A missing or wrong key is a 401 problem; a carrier
/// answering another carrier's tender is a 403.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class ApiKeyTests(EmulatorFixture emulators)
{
    const string MesKey = "mes-key-0123456789abcdef";
    const string PlannerKey = "planner-key-0123456789abcdef";
    const string SwflKey = "swfl-key-0123456789abcdef";
    const string HrtlKey = "hrtl-key-0123456789abcdef";

    static Dictionary<string, string?> Keys(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MesTms:Security:MesKey"] = MesKey,
            ["MesTms:Security:PlannerKey"] = PlannerKey,
            ["MesTms:Security:CarrierKeys:SWFL"] = SwflKey,
            ["MesTms:Security:CarrierKeys:HRTL"] = HrtlKey,
        };
        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    static HttpRequestMessage Request(HttpMethod method, string path, string? key, HttpContent? content = null, string header = "x-api-key")
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add(header, key);
        }

        return request;
    }

    static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string names)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("x-api-key", response.Headers.WwwAuthenticate.ToString());
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains(names, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_webhook_takes_only_the_MES_key_and_the_planner_API_only_the_planner_key()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: Keys());
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        StringContent Batch() => new(MesEvents.Batch(MesEvents.Completed(order)), System.Text.Encoding.UTF8, "application/cloudevents-batch+json");

        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Post, "api/events/mes", null, Batch())), "the MES key");
        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Post, "api/events/mes", PlannerKey, Batch())), "the MES key");
        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Post, "api/events/mes", "wrong", Batch())), "the MES key");
        // Refused events were not recorded: the order is unknown.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.SendAsync(Request(HttpMethod.Get, $"api/shipments/{order}", PlannerKey))).StatusCode);

        // The CloudEvents handshake needs no key; Event Grid publishers send the key as aeg-sas-key.
        HttpRequestMessage handshake = Request(HttpMethod.Options, "api/events/mes", null);
        handshake.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        Assert.Equal(HttpStatusCode.OK, (await app.Http.SendAsync(handshake)).StatusCode);
        Assert.True((await app.Http.SendAsync(Request(HttpMethod.Post, "api/events/mes", MesKey, Batch(), "aeg-sas-key"))).IsSuccessStatusCode);

        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Get, $"api/shipments/{order}", null)), "the planner key");
        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Get, $"api/shipments/{order}", MesKey)), "the planner key");
        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Get, "api/notifications", SwflKey)), "the planner key");
        HttpResponseMessage shipment = await Poll(() => app.Http.SendAsync(Request(HttpMethod.Get, $"api/shipments/{order}", PlannerKey)));
        Assert.Equal(HttpStatusCode.OK, shipment.StatusCode);

        // Published contracts stay open.
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("api/schemas/mes-events.v1.json")).StatusCode);
    }

    [Fact]
    public async Task A_carrier_key_answers_only_that_carriers_tenders()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(Keys(new()
        {
            ["MesTms:Carriers:Simulation:Carriers:SWFL:Silent"] = "true",
        })));
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await app.Http.SendAsync(Request(HttpMethod.Post, "api/events/mes", MesKey,
            new StringContent(MesEvents.Batch(MesEvents.Completed(order)), System.Text.Encoding.UTF8, "application/cloudevents-batch+json")))).IsSuccessStatusCode);
        Shipment tendering = await WaitForAsync(app, order, ShipmentStatus.Tendering);
        TenderRecord tender = Assert.Single(tendering.Tenders);
        Assert.Equal("SWFL", tender.Scac);
        string path = $"api/tenders/{tender.TenderId}/response";
        JsonContent Accept(string? scac = null) => JsonContent.Create(new { decision = "accept", scac });

        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Post, path, null, Accept())), "your carrier key");
        await AssertUnauthorizedAsync(await app.Http.SendAsync(Request(HttpMethod.Post, path, PlannerKey, Accept())), "your carrier key");
        // Another carrier's key: 403, whether it names itself or claims to be SWFL.
        HttpResponseMessage other = await app.Http.SendAsync(Request(HttpMethod.Post, path, HrtlKey, Accept()));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Http.SendAsync(Request(HttpMethod.Post, path, HrtlKey, Accept("SWFL")))).StatusCode);
        // SWFL's own key, the body naming no carrier: recorded as SWFL's answer.
        HttpResponseMessage own = await app.Http.SendAsync(Request(HttpMethod.Post, path, SwflKey, Accept()));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);

        Shipment booked = await WaitForAsync(app, order, ShipmentStatus.Booked);
        Assert.Equal("SWFL", booked.Booking!.Scac);
    }

    [Fact]
    public void Keys_required_in_Azure_refuse_to_start_without_them_and_short_or_shared_keys_are_refused()
    {
        Assert.Contains(new Pipeline.Http.ApiKeyOptions { RequireKeys = true }.Validate(), p => p.Contains("MesKey is required"));
        Assert.Contains(new Pipeline.Http.ApiKeyOptions { RequireKeys = true, MesKey = MesKey }.Validate(), p => p.Contains("PlannerKey is required"));
        Assert.Empty(new Pipeline.Http.ApiKeyOptions { RequireKeys = true, MesKey = MesKey, PlannerKey = PlannerKey }.Validate());
        Assert.Contains(new Pipeline.Http.ApiKeyOptions { MesKey = "short" }.Validate(), p => p.Contains("at least 16"));
        Assert.Contains(new Pipeline.Http.ApiKeyOptions { MesKey = MesKey, PlannerKey = MesKey }.Validate(), p => p.Contains("different"));
        Assert.Contains(new Pipeline.Http.ApiKeyOptions { CarrierKeys = { ["NOT-A-SCAC"] = SwflKey } }.Validate(), p => p.Contains("not a SCAC"));
    }

    [Fact]
    public async Task The_local_host_refuses_to_start_when_keys_are_required_but_missing()
    {
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TestApp.StartAsync(emulators, settings: new Dictionary<string, string?> { ["MesTms:Security:RequireKeys"] = "true" }));
        Assert.Contains("MesTms:Security:MesKey is required", e.Message);
    }

    static async Task<Shipment> WaitForAsync(TestApp app, string order, ShipmentStatus status)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            HttpResponseMessage response = await app.Http.SendAsync(Request(HttpMethod.Get, $"api/shipments/{order}", PlannerKey));
            if (response.IsSuccessStatusCode)
            {
                Shipment shipment = (await response.Content.ReadFromJsonAsync<Shipment>(Pipeline.Storage.CosmosStore.Json))!;
                if (shipment.Status == status)
                {
                    return shipment;
                }

                last = shipment.Status.ToString();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{order} did not reach {status} (last {last})");
    }

    static async Task<HttpResponseMessage> Poll(Func<Task<HttpResponseMessage>> get)
    {
        for (int i = 0; ; i++)
        {
            HttpResponseMessage response = await get();
            if (response.IsSuccessStatusCode || i >= 100)
            {
                return response;
            }

            await Task.Delay(100);
        }
    }
}
