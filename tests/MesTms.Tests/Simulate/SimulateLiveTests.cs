using System.Text.Json.Nodes;
using MesTms.LocalHost.Simulate;
using MesTms.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace MesTms.Tests.Simulate;

/// <summary><c>simulate --live</c> against a running local host: the live pipeline decides what the replay decided.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class SimulateLiveTests(EmulatorFixture emulators) : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("mestms-live-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task The_replay_and_the_live_pipeline_agree_on_a_small_day()
    {
        // Simulated carriers accept every tender within 50 ms; the replay is told the same (and that trucks come at once). The
        // bridge's clock runs at ×120, the day's speed, with the replay's two-hour tender window (a minute of real time, so a
        // loaded machine's latency stays small against it).
        await using TestApp app = await TestApp.StartAsync(emulators, settings: LiveBridge(speed: 120));
        string settings = InstantCarriersOneByOne("settings.json");
        // Four orders over 40 minutes of plant time to four destinations: ×120 is 20 s.
        var start = new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
        JsonNode[] day =
        [
            MesEvents.Completed("LV-1", now: start).WithPallets(6).WithDestination("DC-ATL", "30336"),
            MesEvents.Completed("LV-2", now: start.AddMinutes(10)).WithPallets(12).WithDestination("DC-NYC", "10001"),
            MesEvents.Completed("LV-3", now: start.AddMinutes(25)).WithPallets(3).WithDestination("DC-CLT", "28202"),
            MesEvents.Completed("LV-4", now: start.AddMinutes(40)).WithPallets(8).WithDestination("DC-PHL", "19103"),
        ];
        string scenario = Scenario("day.json", day);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await SimulateCommand.RunAsync(
            ["--scenario", scenario, "--settings", settings, "--live", app.App.BaseAddress.ToString(), "--speed", "120", "--wait-minutes", "2"],
            output, error, interactive: false, clock: app.App.Services.GetRequiredService<TimeProvider>());

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("4 orders: 4 decided alike by the live pipeline and the replay.", output.ToString());
    }

    [Fact]
    public async Task A_door_a_late_truck_moved_after_booking_is_compared_where_the_booking_put_it()
    {
        // Every simulated truck comes an hour late, past the 30-minute grace, and the live bridge moves its door to what is free
        // from the arrival; the replay ends at booking. The day runs on a weekday morning (the app's clock pinned a week or
        // more ahead, whatever the hour of the run) so the doors are today's, and a last order two hours after the first
        // keeps the day running until the late trucks have come.
        DateTimeOffset tuesday = NextTuesdayAt(TestClock.Now, 8, 50);
        await using TestApp app = await TestApp.StartAsync(emulators, settings: LiveBridge(speed: 240, clockStart: tuesday, extra: new()
        {
            ["MesTms:Carriers:Simulation:Statuses:Enabled"] = "true",
            ["MesTms:Carriers:Simulation:Statuses:LateProbability"] = "1",
            ["MesTms:Carriers:Simulation:Statuses:LateMinutes"] = "60",
        }));
        string settings = InstantCarriersOneByOne("late.json");
        var start = new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
        JsonNode[] day =
        [
            MesEvents.Completed("LT-1", now: start).WithPallets(6).WithDestination("DC-ATL", "30336"),
            MesEvents.Completed("LT-2", now: start.AddMinutes(5)).WithPallets(8).WithDestination("DC-NYC", "10001"),
            MesEvents.Completed("LT-3", now: start.AddHours(2)).WithPallets(4).WithDestination("DC-CLT", "28202"),
        ];
        string scenario = Scenario("late-day.json", day);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await SimulateCommand.RunAsync(["--scenario", scenario, "--settings", settings, "--live", app.App.BaseAddress.ToString(), "--speed", "240",
            "--wait-minutes", "2", "--run-tag", "LATE"], output, error, interactive: false, clock: TimeProvider.System);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("3 orders: 3 decided alike", output.ToString());
        // The test covers a moved door: the first orders' trucks came late and their doors are now later than booked.
        int moved = 0;
        foreach (string order in new[] { "LT-1-LATE", "LT-2-LATE" })
        {
            JsonNode shipment = JsonNode.Parse(await app.Http.GetStringAsync($"api/shipments/{order}?plantId=P100"))!;
            DateTimeOffset booked = shipment["progress"]!["pickupDue"]!.GetValue<DateTimeOffset>();
            moved += shipment["dockAppointment"]!["start"]!.GetValue<DateTimeOffset>() > booked ? 1 : 0;
        }

        Assert.True(moved > 0, "no late truck moved its door before the comparison: the test would not cover it");
    }

    /// <summary>
    /// A bridge for a live comparison: simulated carriers, its clock at <paramref name="speed"/> (from
    /// <paramref name="clockStart"/>, else now) and the replay's two-hour tender window; <paramref name="extra"/> adds or overrides.
    /// </summary>
    static Dictionary<string, string?> LiveBridge(int speed, DateTimeOffset? clockStart = null, Dictionary<string, string?>? extra = null)
    {
        Dictionary<string, string?> settings = TestApp.WithCarriers(new()
        {
            ["LocalHost:ClockSpeed"] = speed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MesTms:Shipment:TenderResponseTimeout"] = "02:00:00",
        });
        if (clockStart is { } at)
        {
            settings["LocalHost:ClockStart"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The simulated carriers of the local host's appsettings.json (seed 7, 85 % acceptance, 300 ms), which the replay assumes without carrier settings.</summary>
    static Dictionary<string, string?> LocalHostCarriers() => new()
    {
        ["MesTms:Carriers:Simulation:AcceptanceProbability"] = "0.85",
        ["MesTms:Carriers:Simulation:Seed"] = "7",
        ["MesTms:Carriers:Simulation:DelayMilliseconds"] = "300",
    };

    /// <summary>Replay settings for the simulated carriers of <see cref="TestApp.WithCarriers"/>: every tender accepted at once, trucks at once, no consolidation.</summary>
    string InstantCarriersOneByOne(string name)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, """
            {"acceptanceRate": 1, "answerDelayMinutes": {"min": 0, "max": 0}, "arrivalAfterBookingHours": {"min": 0, "max": 0},
             "consolidate": false, "eventLatencySeconds": 0.5}
            """);
        return path;
    }

    /// <summary>A scenario file of completions, each event dated at its completion.</summary>
    string Scenario(string name, JsonNode[] day)
    {
        foreach (JsonNode e in day)
        {
            e["time"] = e["data"]!["completedAt"]!.GetValue<string>();
        }

        string path = Path.Combine(directory, name);
        File.WriteAllText(path, MesEvents.Batch(day));
        return path;
    }

    static DateTimeOffset NextTuesdayAt(DateTimeOffset now, int hour, int minute)
    {
        DateOnly day = DateOnly.FromDateTime(now.UtcDateTime).AddDays(7);
        while (day.DayOfWeek != DayOfWeek.Tuesday)
        {
            day = day.AddDays(1);
        }

        return new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);
    }

    [Fact]
    public async Task Without_carrier_settings_the_replay_meets_the_local_hosts_simulated_carriers_declines_included()
    {
        // The local host's own simulated carriers (appsettings.json: seed 7, 85 % acceptance, 300 ms): some first tenders are
        // declined, the waterfall moves on and the decline lowers the carrier's observed acceptance for the next rate shop.
        await using TestApp app = await TestApp.StartAsync(emulators, settings: LiveBridge(speed: 120, extra: LocalHostCarriers()));
        var start = new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
        (string Location, string Postal)[] places = [("DC-ATL", "30336"), ("DC-NYC", "10001"), ("DC-CLT", "28202"), ("DC-PHL", "19103"), ("DC-BAL", "21201"), ("DC-CMH", "43215")];
        JsonNode[] day = places.Select((p, i) =>
        {
            JsonObject e = MesEvents.Completed($"LD-{i}", now: start.AddMinutes(i * 5)).WithPallets(4 + i).WithDestination(p.Location, p.Postal);
            e["time"] = e["data"]!["completedAt"]!.GetValue<string>();
            return (JsonNode)e;
        }).ToArray();
        string scenario = Path.Combine(directory, "declines.json");
        File.WriteAllText(scenario, MesEvents.Batch(day));
        string settings = Path.Combine(directory, "alone.json");
        File.WriteAllText(settings, """{"consolidate": false, "eventLatencySeconds": 0.5}""");
        var output = new StringWriter();
        var error = new StringWriter();
        // A run tag under which the simulated carriers decline at least two of the six first tenders (the draw is on the tender id).
        string tag = Enumerable.Range(1, 500).Select(n => $"T{n}")
            .First(t => Enumerable.Range(0, places.Length).Count(i => SimulatedCarrierGateway.Draw(7, $"P100.LD-{i}-{t}.T1") >= 0.85) >= 2);

        int exit = await SimulateCommand.RunAsync(["--scenario", scenario, "--settings", settings, "--live", app.App.BaseAddress.ToString(), "--speed", "120",
            "--wait-minutes", "2", "--run-tag", tag], output, error, interactive: false, clock: app.App.Services.GetRequiredService<TimeProvider>());

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("6 orders: 6 decided alike", output.ToString());
        // The seeded draws decline at least one first tender here: the agreement covers a waterfall that moved on.
        int declined = 0;
        foreach (JsonNode e in day)
        {
            string order = $"{e["data"]!["orderId"]!.GetValue<string>()}-{tag}";
            JsonNode shipment = JsonNode.Parse(await app.Http.GetStringAsync($"api/shipments/{order}?plantId=P100"))!;
            declined += shipment["tenders"]!.AsArray().Count(t => t!["outcome"]!.GetValue<string>() == TenderOutcomes.Declined);
        }

        Assert.True(declined > 0, "no tender was declined: the test would not cover the waterfall");
    }

    [Fact]
    public async Task A_day_of_thirty_orders_with_holds_a_re_tender_and_a_material_load_change_is_decided_alike_live_and_by_the_replay()
    {
        // The local host's own simulated carriers (appsettings.json: seed 7, 85 % acceptance, 300 ms, statuses with late trucks)
        // and its consolidation; the replay is told nothing but the event latency. The day runs on an evening after the pickup
        // cut-off (the app's clock pinned a week or more ahead, whatever the hour of the run): every truck comes the next
        // morning, so a hold on a booked load always comes before its truck.
        DateTimeOffset evening = NextTuesdayAt(TestClock.Now, 16, 30);
        Dictionary<string, string?> host = LocalHostCarriers();
        foreach ((string key, string? value) in new Dictionary<string, string?>
        {
            ["MesTms:Carriers:Simulation:Statuses:Enabled"] = "true",
            ["MesTms:Carriers:Simulation:Statuses:LateProbability"] = "0.15",
            ["MesTms:Carriers:Simulation:Statuses:LateMinutes"] = "90",
            ["MesTms:Carriers:Simulation:Statuses:LateDeliveryHours"] = "20",
            ["MesTms:Shipment:Consolidate"] = "true",
        })
        {
            host[key] = value;
        }

        await using TestApp app = await TestApp.StartAsync(emulators, settings: LiveBridge(speed: 240, clockStart: evening, extra: host));
        // Thirty 5-pallet orders, one every 6 minutes, to three DCs in turn: five fill a trailer (96 %), so each DC's loads
        // close on their fifth order. Three holds: ATL-3 is held before it completes and released 20 min after; CLT-4 is
        // held in its open load and released 40 min later (it re-joins); CMH-2 is held after its load was booked and stays
        // held: 5 of 25 pallets is a material change, so the load's booking is withdrawn and it is tendered again (R1).
        var start = new DateTimeOffset(2026, 12, 8, 17, 3, 7, TimeSpan.Zero);
        (string Location, string Postal)[] places = [("DC-ATL", "30336"), ("DC-CLT", "28202"), ("DC-CMH", "43215")];
        string Order(int i) => $"{places[i % 3].Location[3..]}-{i}";
        DateTimeOffset CompletedAt(int i) => start.AddMinutes(i * 6);
        var day = new List<JsonNode>();
        for (int i = 0; i < 30; i++)
        {
            JsonObject e = MesEvents.Completed(Order(i), now: CompletedAt(i).AddMinutes(2)).WithPallets(5).WithDestination(places[i % 3].Location, places[i % 3].Postal);
            e["time"] = e["data"]!["completedAt"]!.GetValue<string>();
            day.Add(e);
        }

        day.Add(Hold(MesEvents.HoldPlaced(Order(3), "QH-A"), CompletedAt(3).AddMinutes(-10)));
        day.Add(Hold(MesEvents.HoldReleased(Order(3), "QH-A"), CompletedAt(3).AddMinutes(20)));
        day.Add(Hold(MesEvents.HoldPlaced(Order(4), "QH-B"), CompletedAt(4).AddMinutes(3)));
        day.Add(Hold(MesEvents.HoldReleased(Order(4), "QH-B"), CompletedAt(4).AddMinutes(40)));
        day.Add(Hold(MesEvents.HoldPlaced(Order(2), "QH-C"), CompletedAt(14).AddMinutes(30)));
        string scenario = Path.Combine(directory, "thirty.json");
        File.WriteAllText(scenario, MesEvents.Batch([.. day.OrderBy(e => e["time"]!.GetValue<string>(), StringComparer.Ordinal)]));
        string settings = Path.Combine(directory, "latency.json");
        File.WriteAllText(settings, """{"eventLatencySeconds": 0.5}""");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await SimulateCommand.RunAsync(["--scenario", scenario, "--settings", settings, "--live", app.App.BaseAddress.ToString(), "--speed", "240",
            "--wait-minutes", "2", "--run-tag", "THIRTY"], output, error, interactive: false, clock: TimeProvider.System);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("30 orders: 30 decided alike", output.ToString());
        // What the day covers, read from the live bridge: the held order stays held, and its load was tendered again.
        JsonNode held = JsonNode.Parse(await app.Http.GetStringAsync($"api/shipments/{Order(2)}-THIRTY?plantId=P100"))!;
        Assert.Equal("OnQualityHold", held["status"]!.GetValue<string>());
        string loadId = held["decisions"]!.AsArray().Select(d => d!["key"]!.GetValue<string>()).Last(k => k.StartsWith("load-L-", StringComparison.Ordinal))["load-".Length..];
        JsonNode load = JsonNode.Parse(await app.Http.GetStringAsync($"api/shipments/{loadId}?plantId=P100"))!;
        Assert.Contains(".R1.T", load["booking"]!["tenderId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(4, load["memberOrderIds"]!.AsArray().Count);
        JsonNode rejoined = JsonNode.Parse(await app.Http.GetStringAsync($"api/shipments/{Order(4)}-THIRTY?plantId=P100"))!;
        Assert.Contains(rejoined["decisions"]!.AsArray(), d => d!["key"]!.GetValue<string>().StartsWith("left-load-", StringComparison.Ordinal));
    }

    static JsonObject Hold(JsonObject e, DateTimeOffset at)
    {
        string field = e["data"]!["placedAt"] is not null ? "placedAt" : "releasedAt";
        e["data"]![field] = MesEvents.Timestamp(at);
        e["time"] = MesEvents.Timestamp(at);
        return e;
    }

    [Fact]
    public async Task A_speed_other_than_the_bridges_exits_with_code_2_and_says_how_to_start_the_host()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: new Dictionary<string, string?> { ["LocalHost:ClockSpeed"] = "300" });
        string scenario = Path.Combine(directory, "day.json");
        File.WriteAllText(scenario, MesEvents.Batch(MesEvents.Completed("LV-1", now: new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero))));
        var error = new StringWriter();

        Assert.Equal(2, await SimulateCommand.RunAsync(["--scenario", scenario, "--live", app.App.BaseAddress.ToString(), "--speed", "1000"],
            new StringWriter(), error, interactive: false));
        Assert.Contains("the bridge's clock runs at ×300, not ×1000: start the local host with --LocalHost:ClockSpeed 1000", error.ToString());
        JsonNode clock = JsonNode.Parse(await app.Http.GetStringAsync("api/clock"))!;
        Assert.Equal(300, clock["speed"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_server_that_is_not_the_bridge_exits_with_code_2_and_says_so()
    {
        (Microsoft.AspNetCore.Builder.WebApplication other, Uri address) = await LoopbackServer.StartAsync(app =>
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/api/clock", () => Microsoft.AspNetCore.Http.Results.Content("<html>hello</html>", "text/html")));
        await using (other)
        {
            string scenario = Path.Combine(directory, "day.json");
            File.WriteAllText(scenario, MesEvents.Batch(MesEvents.Completed("LV-1", now: new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero))));
            var error = new StringWriter();

            Assert.Equal(2, await SimulateCommand.RunAsync(["--scenario", scenario, "--live", address.ToString()], new StringWriter(), error, interactive: false));
            Assert.Contains("answered GET /api/clock with something that is not the bridge's clock", error.ToString());
        }
    }

    [Fact]
    public async Task A_bad_live_address_or_speed_exits_with_code_2()
    {
        string scenario = Path.Combine(directory, "day.json");
        File.WriteAllText(scenario, MesEvents.Batch(MesEvents.Completed("LV-1", now: new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero))));
        var error = new StringWriter();

        Assert.Equal(2, await SimulateCommand.RunAsync(["--scenario", scenario, "--live", "ftp://x"], new StringWriter(), error, interactive: false));
        Assert.Contains("--live must be the bridge's http(s) address", error.ToString());
        Assert.Equal(2, await SimulateCommand.RunAsync(["--scenario", scenario, "--live", "http://127.0.0.1:1", "--speed", "0"], new StringWriter(), error, interactive: false));
        Assert.Contains("--speed must be a number from 1 to 100000", error.ToString());
    }

    [Fact]
    public async Task A_bridge_that_cannot_be_reached_or_an_event_in_the_event_grid_schema_exits_with_code_2()
    {
        string scenario = Path.Combine(directory, "day.json");
        File.WriteAllText(scenario, MesEvents.Batch(MesEvents.Completed("LV-1", now: new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero))));
        var error = new StringWriter();
        string nobody = $"http://127.0.0.1:{MesTms.LocalHost.Emulators.LocalEmulators.FreePort()}";

        Assert.Equal(2, await SimulateCommand.RunAsync(["--scenario", scenario, "--live", nobody, "--speed", "1000"], new StringWriter(), error, interactive: false));
        Assert.Contains("did not take the events", error.ToString());

        // The replay reads the Event Grid schema as the webhook does; live mode publishes CloudEvents only, and says so.
        string eventGrid = Path.Combine(directory, "eventgrid.json");
        JsonObject completed = MesEvents.Completed("LV-2", now: new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));
        var legacy = new JsonObject
        {
            ["id"] = "eg-1", ["eventType"] = "mes.production.completed.v1", ["subject"] = "orders/LV-2", ["eventTime"] = completed["data"]!["completedAt"]!.DeepClone(),
            ["dataVersion"] = "1", ["data"] = completed["data"]!.DeepClone(),
        };
        File.WriteAllText(eventGrid, new JsonArray(legacy).ToJsonString());
        var refused = new StringWriter();
        Assert.Equal(0, await SimulateCommand.RunAsync(["--scenario", eventGrid], new StringWriter(), refused, interactive: false));
        Assert.Equal(2, await SimulateCommand.RunAsync(["--scenario", eventGrid, "--live", nobody], new StringWriter(), refused, interactive: false));
        Assert.Contains("--live publishes CloudEvents; event eg-1 is in the Event Grid schema", refused.ToString());
    }
}
