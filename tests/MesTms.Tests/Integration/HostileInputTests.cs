using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// Defects found with hostile requests against the local host (issue 11), each proven through HTTP: no 5xx, nothing
/// lost, storage still answering afterwards.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class HostileInputTests(EmulatorFixture emulators)
{
    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    static Task<HttpResponseMessage> PostBytesAsync(TestApp app, byte[] body) =>
        app.Http.PostAsync("api/events/mes", new ByteArrayContent(body) { Headers = { ContentType = new("application/cloudevents-batch+json") } });

    /// <summary>The state store still reads and writes: a new completion becomes a visible shipment.</summary>
    static async Task AssertStorageAliveAsync(TestApp app)
    {
        string order = NewOrder();
        HttpResponseMessage posted = await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
    }

    // ------------------------------------------------------------------ defect 1: ids that reach storage

    [Theory]
    [InlineData("api/loads/%FF%FE")]
    [InlineData("api/loads/%E0%A4")]
    [InlineData("api/loads/open%7CP100%7C%FF")]
    [InlineData("api/shipments/%FF%FE")]
    [InlineData("api/shipments/PO-1%25")]
    [InlineData("api/plants/%FF%FE/docks")]
    [InlineData("api/events/rejected?since=%FF")]
    public async Task A_path_or_query_that_is_not_valid_UTF8_is_refused_with_400_and_storage_keeps_answering(string path)
    {
        await using TestApp app = await TestApp.StartAsync(emulators);

        HttpResponseMessage response = await app.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertStorageAliveAsync(app);
    }

    [Theory]
    [InlineData("api/tenders/%FF%FE/response")]
    [InlineData("api/shipments/%FF/holds/QH-1/release")]
    [InlineData("api/shipments/PO-1/holds/%FF%FE/release")]
    public async Task A_post_to_a_path_that_is_not_valid_UTF8_is_refused_with_400(string path)
    {
        await using TestApp app = await TestApp.StartAsync(emulators);

        HttpResponseMessage response = await app.Http.PostAsync(path, JsonContent.Create(new { decision = "accept", scac = "SWFL", releasedBy = "a", reason = "b" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertStorageAliveAsync(app);
    }

    // ------------------------------------------------------------------ defect 2: strings that are not Unicode

    [Theory]
    [InlineData("id")]
    [InlineData("source")]
    [InlineData("data.lineId")]
    [InlineData("data.destination.postalCode")]
    public async Task A_lone_surrogate_escape_in_one_event_is_refused_for_that_event_and_the_valid_one_beside_it_is_accepted(string field)
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string good = NewOrder(), bad = NewOrder();
        JsonObject hostile = MesEvents.Completed(bad);
        string marker = "SURROGATE-" + Guid.NewGuid().ToString("N")[..6];
        Set(hostile, field, marker);
        string json = MesEvents.Batch(MesEvents.Completed(good), hostile).Replace(marker, "\\ud800", StringComparison.Ordinal);

        HttpResponseMessage response = await app.PostEventsAsync(json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await BodyAsync(response);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        JsonElement refused = body.GetProperty("results")[1];
        Assert.Equal("rejected", refused.GetProperty("status").GetString());
        Assert.Contains(refused.GetProperty("problem").GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        await app.WaitForShipmentAsync(good, ShipmentStatus.ReadyToShip);
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_member_name_or_a_lone_event_answers_400_naming_the_member()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string json = MesEvents.Completed(NewOrder()).ToJsonString().Replace("\"hazmat\"", "\"haz\\udc00mat\"", StringComparison.Ordinal);

        HttpResponseMessage response = await app.PostEventsAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement body = await BodyAsync(response);
        JsonElement errors = body.GetProperty("events")[0].GetProperty("problem").GetProperty("errors");
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("field").GetString()!.StartsWith("data", StringComparison.Ordinal));
        HttpResponseMessage rejected = await app.Http.GetAsync("api/events/rejected");
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(1, (await BodyAsync(rejected)).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Invalid_UTF8_inside_a_string_or_inside_data_base64_is_refused_per_event_beside_a_valid_event()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string good = NewOrder();
        JsonObject rawBad = MesEvents.Completed(NewOrder());
        rawBad["data"]!["lineId"] = "L3-MARK";
        JsonObject encodedBad = MesEvents.Completed(NewOrder());
        byte[] data = Encoding.UTF8.GetBytes(encodedBad["data"]!.ToJsonString().Replace("DC-ATL-01", "DC-ATL-MARK", StringComparison.Ordinal));
        int at = IndexOf(data, "MARK"u8);
        data[at] = 0xC3;
        data[at + 1] = 0x28; // an invalid two-byte sequence
        encodedBad.Remove("data");
        encodedBad.Remove("datacontenttype");
        encodedBad["data_base64"] = Convert.ToBase64String(data);
        byte[] body = Encoding.UTF8.GetBytes(MesEvents.Batch(MesEvents.Completed(good), rawBad, encodedBad));
        int mark = IndexOf(body, "L3-MARK"u8);
        body[mark + 3] = 0xFF;
        body[mark + 4] = 0xFE;

        HttpResponseMessage response = await PostBytesAsync(app, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement answer = await BodyAsync(response);
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        Assert.Equal(2, answer.GetProperty("rejected").GetInt32());
        Assert.Contains(answer.GetProperty("results")[1].GetProperty("problem").GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("field").GetString() == "data.lineId");
        Assert.Contains(answer.GetProperty("results")[2].GetProperty("problem").GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("field").GetString() == "data_base64");
        await app.WaitForShipmentAsync(good, ShipmentStatus.ReadyToShip);
    }

    [Fact]
    public async Task A_malformed_chunked_body_answers_400_and_the_host_goes_on()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        using var client = new TcpClient();
        await client.ConnectAsync(app.App.BaseAddress.Host, app.App.BaseAddress.Port);
        NetworkStream stream = client.GetStream();
        string request = $"POST /api/events/mes HTTP/1.1\r\nHost: {app.App.BaseAddress.Authority}\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n[{\"a\"\r\nZZ\r\nnot a chunk\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string statusLine = (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)))!;

        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        var headers = new List<string>();
        for (string? line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            headers.Add(line);
        }

        Assert.Contains(headers, h => h.StartsWith("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
        await AssertStorageAliveAsync(app);
    }

    // ------------------------------------------------------------------ defect 3: accepted means a visible shipment

    [Theory]
    [InlineData("completedAt", "2026-11-25t07:58:12z")]
    [InlineData("completedAt", "2026-11-25T07:58:12.123456789+01:00")]
    [InlineData("id", "a%2Fb")]
    [InlineData("id", "evt-1 ")]
    [InlineData("id", "évènement/1?#")]
    [InlineData("id", "rejected-abc")]
    public async Task An_accepted_completion_with_legal_but_unusual_text_becomes_a_visible_shipment(string field, string value)
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string order = NewOrder();
        JsonObject completed = MesEvents.Completed(order);
        if (field == "id")
        {
            completed["id"] = value + Guid.NewGuid().ToString("N")[..6];
        }
        else
        {
            completed["data"]![field] = value;
            completed["data"]!["requiredDeliveryBy"] = "2026-12-30T17:00:00Z";
        }

        HttpResponseMessage response = await app.PostEventsAsync(MesEvents.Batch(completed));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await BodyAsync(response)).GetProperty("accepted").GetInt32());
        Shipment shipment = await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
        if (field == "completedAt")
        {
            Assert.Equal(DateTimeOffset.Parse(value.ToUpperInvariant().Replace("456789", "4567", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), shipment.CompletedAt);
        }

        // A redelivery is a duplicate, not a second shipment.
        JsonElement again = await BodyAsync(await app.PostEventsAsync(MesEvents.Batch(completed)));
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
    }

    // ------------------------------------------------------------------ defect 4: bounded cost per request

    [Fact]
    public async Task A_request_with_more_events_than_Event_Grid_ever_sends_is_refused_at_once_and_nothing_is_written()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        var million = new StringBuilder(2_000_002).Append('[');
        for (int i = 0; i < 1_000_000; i++)
        {
            million.Append(i == 0 ? "0" : ",0");
        }

        HttpResponseMessage response = await app.PostEventsAsync(million.Append(']').ToString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        JsonElement problem = await BodyAsync(response);
        Assert.Contains("5000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.Service<CosmosStore>().Events.CountAsync("SELECT VALUE COUNT(1) FROM c"));

        string justOver = "[" + string.Join(",", Enumerable.Repeat("{}", 5001)) + "]";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await app.PostEventsAsync(justOver)).StatusCode);
    }

    [Fact]
    public async Task A_huge_hostile_value_is_quoted_only_in_part_in_the_reasons_sent_back_and_stored()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        JsonObject completed = MesEvents.Completed(NewOrder());
        completed["source"] = "/plants/" + new string('x', 200_000);

        HttpResponseMessage response = await app.PostEventsAsync(MesEvents.Batch(completed));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement error = (await BodyAsync(response)).GetProperty("events")[0].GetProperty("problem").GetProperty("errors")[0];
        Assert.Equal("source", error.GetProperty("field").GetString());
        Assert.InRange(error.GetProperty("message").GetString()!.Length, 10, 300);
    }

    // ------------------------------------------------------------------ defect 5: contract looseness (the rest is in the corpus)

    [Fact]
    public async Task A_subscription_validation_event_batched_with_a_completion_is_refused_and_the_completion_still_becomes_a_shipment()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string order = NewOrder();
        var validation = new JsonObject
        {
            ["id"] = "2d1781af", ["topic"] = "/subscriptions/x", ["subject"] = "", ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent",
            ["eventTime"] = "2026-11-25T08:00:00Z", ["dataVersion"] = "1", ["data"] = new JsonObject { ["validationCode"] = "512d38b6" },
        };

        HttpResponseMessage response = await app.PostEventsAsync(MesEvents.Batch(validation, MesEvents.Completed(order)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await BodyAsync(response);
        Assert.False(body.TryGetProperty("validationResponse", out _));
        Assert.Equal("rejected", body.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Contains("alone", body.GetProperty("results")[0].GetProperty("problem").GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("accepted", body.GetProperty("results")[1].GetProperty("status").GetString());
        await app.WaitForShipmentAsync(order, ShipmentStatus.ReadyToShip);
    }

    [Theory]
    [InlineData("id", 12345, "id")]
    [InlineData("specversion", 1.0, "specversion")]
    [InlineData("data.completedAt", "2026-11-25T07:58Z", "data.completedAt")]
    [InlineData("data.destination.country", "ZZ", "data.destination.country")]
    [InlineData("data.completedAt", "0001-01-01T00:00:00Z", "data.completedAt")]
    [InlineData("data.requiredDeliveryBy", "9999-12-31T17:00:00Z", "data.requiredDeliveryBy")]
    public async Task A_loose_value_the_contract_now_refuses_is_reported_for_its_field_and_no_shipment_is_made(string path, object value, string field)
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string order = NewOrder();
        JsonObject completed = MesEvents.Completed(order);
        Set(completed, path, JsonValue.Create(value));

        HttpResponseMessage response = await app.PostEventsAsync(MesEvents.Batch(completed));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement errors = (await BodyAsync(response)).GetProperty("events")[0].GetProperty("problem").GetProperty("errors");
        Assert.Contains(errors.EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync($"api/shipments/{order}")).StatusCode);
    }

    [Fact]
    public async Task The_contract_is_published_as_a_JSON_Schema()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);

        HttpResponseMessage response = await app.Http.GetAsync("api/schemas/mes-events.v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement schema = await BodyAsync(response);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("api/schemas/nothing.json")).StatusCode);
    }

    // ------------------------------------------------------------------ siblings: the planner and carrier APIs' JSON bodies

    [Theory]
    [InlineData("api/shipments/PO-1/holds/QH-1/release", "{\"releasedBy\":\"\\ud800\",\"reason\":\"re-inspected\"}")]
    [InlineData("api/shipments/PO-1/holds/QH-1/release", "{\"releasedBy\":12,\"reason\":[]}")]
    [InlineData("api/shipments/PO-1/holds/QH-1/release", "[1,2]")]
    [InlineData("api/shipments/PO-1/holds/QH-1/release", "{\"releasedBy\":\"a\",\"reason\":\"b\",\"plantId\":{}}")]
    [InlineData("api/tenders/P100.PO-1.T1/response", "{\"decision\":\"accept\",\"scac\":\"\\udfff\"}")]
    [InlineData("api/tenders/P100.PO-1.T1/response", "{\"decision\":true}")]
    [InlineData("api/tenders/P100.PO-1.T1/response", "{\"decision\":\"accept\",\"pickupConfirmation\":{\"pickupFrom\":\"soon\"}}")]
    [InlineData("api/tenders/P100.PO-1.T1/response", "")]
    public async Task A_hostile_JSON_body_on_the_planner_or_carrier_API_answers_400_not_500(string path, string body)
    {
        await using TestApp app = await TestApp.StartAsync(emulators);

        HttpResponseMessage response = await app.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Sets the member at a dotted path (<c>data.destination.country</c>) of an event.</summary>
    static void Set(JsonObject e, string path, JsonNode? value)
    {
        JsonNode parent = e;
        string[] parts = path.Split('.');
        foreach (string part in parts[..^1])
        {
            parent = parent[part]!;
        }

        parent[parts[^1]] = value;
    }

    static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}

/// <summary>The local host notices a child emulator that dies, says so, and brings it back (issue 11, defect 1).</summary>
public sealed class EmulatorSupervisionTests
{
    [Fact]
    public async Task A_Cosmos_emulator_that_dies_is_restarted_and_the_shipments_written_before_are_still_served()
    {
        string data = Path.Combine(Path.GetTempPath(), EmulatorFixture.UniqueName("localdata"));
        await using LocalHost.LocalApp app = await LocalHost.LocalApp.StartAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["LocalHost:CosmosPort"] = "0",
            ["LocalHost:AzuritePort"] = "0",
            ["LocalHost:DataDirectory"] = data,
            ["LocalHost:DurableBackend"] = "InMemory",
            ["LocalHost:TaskHub"] = EmulatorFixture.UniqueName("hub"),
            ["MesTms:Carriers:ContractsPath"] = "",
            ["MesTms:Shipment:Consolidate"] = "false",
            ["LocalHost:ClockStart"] = TestClock.Shifted ? TestClock.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : null,
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Emulators!.Restarted += name =>
        {
            if (name == "cosmos")
            {
                restarted.TrySetResult();
            }

            return Task.CompletedTask;
        };
        string before = "PO-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("api/events/mes", new StringContent(MesEvents.Batch(MesEvents.Completed(before)), Encoding.UTF8, "application/json"))).StatusCode);
        await WaitForAsync(http, before);

        System.Diagnostics.Process.GetProcessById(app.Emulators.ProcessIds["cosmos"]).Kill();
        await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));

        await WaitForAsync(http, before);
        string after = "PO-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("api/events/mes", new StringContent(MesEvents.Batch(MesEvents.Completed(after)), Encoding.UTF8, "application/json"))).StatusCode);
        await WaitForAsync(http, after);
    }

    static async Task WaitForAsync(HttpClient http, string order)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            HttpResponseMessage response = await http.GetAsync($"api/shipments/{order}");
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() == nameof(ShipmentStatus.ReadyToShip))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Shipment {order} did not become ready.");
    }
}
