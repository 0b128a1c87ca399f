using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesTms.LocalHost.Simulate;

namespace MesTms.Tests.Simulate;

/// <summary>The <c>simulate</c> verb of the local host through its command line: files in, exit code, table, JSON and report out.</summary>
public sealed class SimulateCliTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("mestms-simulate-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string FilePath(string name) => Path.Combine(directory, name);

    static async Task<(int Exit, string Output, string Error)> Simulate(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await SimulateCommand.RunAsync(args, output, error, interactive: false);
        return (exit, output.ToString(), error.ToString());
    }

    // Tuesday 8 Dec 2026.
    static JsonObject Completed(string order, string completedAt, string due = "2026-12-14T17:00:00Z", int pallets = 6) => new()
    {
        ["specversion"] = "1.0", ["type"] = "mes.production.completed.v1", ["source"] = "/plants/P100/lines/L1", ["subject"] = $"orders/{order}",
        ["id"] = $"evt-{order}", ["time"] = completedAt, ["datacontenttype"] = "application/json",
        ["data"] = new JsonObject
        {
            ["plantId"] = "P100", ["lineId"] = "L1", ["orderId"] = order, ["completedAt"] = completedAt,
            ["handlingUnits"] = new JsonArray(new JsonObject
            {
                ["count"] = pallets, ["length"] = 48, ["width"] = 40, ["height"] = 48, ["dimensionUnit"] = "in", ["weight"] = 900, ["weightUnit"] = "lb", ["stackable"] = false,
            }),
            ["hazmat"] = null, ["temperature"] = null,
            ["destination"] = new JsonObject { ["locationId"] = "DC-ATL", ["postalCode"] = "30336", ["country"] = "US" },
            ["requiredDeliveryBy"] = due,
        },
    };

    string WriteScenario(string name, params JsonObject[] events)
    {
        string path = FilePath(name);
        File.WriteAllText(path, new JsonArray(events).ToJsonString());
        return path;
    }

    [Fact]
    public async Task A_hand_made_day_gives_the_first_action_gaps_worked_out_by_hand()
    {
        string scenario = WriteScenario("three.json",
            Completed("PO-1", "2026-12-08T08:01:00Z"), Completed("PO-2", "2026-12-08T11:00:00Z"), Completed("PO-3", "2026-12-08T14:30:00Z"));
        string json = FilePath("three.out.json");

        (int exit, string output, string error) = await Simulate("--scenario", scenario, "--json", json, "--batch-runs", "08:00,14:00");

        Assert.True(exit == 0, error);
        Assert.Contains("completion → first action p95 (min)", output);
        JsonNode result = JsonNode.Parse(File.ReadAllText(json))!;
        JsonNode batch = result["policies"]!["batch"]!, live = result["policies"]!["eventDriven"]!;
        // Sorted gaps 180, 359, 1050 minutes: nearest-rank p50 is 359, p95 is 1050.
        Assert.Equal(359.0, batch["completionToFirstActionMinutes"]!["p50"]!.GetValue<double>());
        Assert.Equal(1050.0, batch["completionToFirstActionMinutes"]!["p95"]!.GetValue<double>());
        Assert.True(live["completionToFirstActionMinutes"]!["p95"]!.GetValue<double>() < 1);
        Assert.Equal(3, live["orders"]!.GetValue<int>());
        foreach (string field in new[] { "completionToBookedMinutes", "dockToDepartureMinutes", "detentionHours", "detentionCost", "premiumFreightCost", "trucks",
            "averageFill", "freightSpend", "onTimeRate", "orders" })
        {
            Assert.NotNull(batch[field]);
            Assert.NotNull(live[field]);
        }

        Assert.NotNull(batch["dockToDepartureMinutes"]!["mean"]);
        JsonArray ledger = result["orders"]!.AsArray();
        Assert.Equal(["PO-1", "PO-2", "PO-3"], ledger.Select(r => r!["orderId"]!.GetValue<string>()));
        Assert.Equal([359.0 - 0.0, 180.0, 1050.0], ledger.Select(r => Math.Round(r!["deadZoneMinutesAvoided"]!.GetValue<double>())));
        Assert.All(ledger, r => Assert.False(string.IsNullOrWhiteSpace(r!["difference"]!.GetValue<string>())));
        Assert.Equal("three.json", result["scenario"]!["file"]!.GetValue<string>());
        Assert.Equal(["08:00", "14:00"], result["scenario"]!["batchRuns"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task A_generated_day_replays_into_a_self_contained_report_with_the_three_charts()
    {
        string scenario = FilePath("day.json");
        (int generated, string written, _) = await Simulate("--generate", "--out", scenario, "--orders", "120", "--seed", "4", "--day", "2026-12-08");
        Assert.Equal(0, generated);
        Assert.Contains("for 120 orders on 2026-12-08", written);
        string report = FilePath("day.html"), json = FilePath("day.out.json");

        (int exit, string output, string error) = await Simulate("--scenario", scenario, "--report", report, "--json", json, "--seed", "4");

        Assert.True(exit == 0, error);
        Assert.Contains("event-driven: ", output);
        Assert.Contains("batch: ", output);
        Assert.Contains("events replayed", output);
        string html = File.ReadAllText(report);
        Assert.Contains("Completion → first transport action", html);
        Assert.Contains("Cost waterfall", html);
        Assert.Contains("Door timeline — Batch", html);
        Assert.Contains("Door timeline — Event-driven", html);
        Assert.True(html.Split("<svg").Length - 1 >= 4, "four charts: gap distribution, waterfall, two door timelines");
        // Nothing is fetched when the report is opened.
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", ""));
        Assert.DoesNotContain("https://", html);
        JsonNode result = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(120, result["scenario"]!["orders"]!.GetValue<int>());
        Assert.Equal(4, result["scenario"]!["seed"]!.GetValue<int>());
        Assert.Equal(120, result["orders"]!.AsArray().Count);
        Assert.True(result["policies"]!["batch"]!["completionToFirstActionMinutes"]!["p50"]!.GetValue<double>()
            > result["policies"]!["eventDriven"]!["completionToFirstActionMinutes"]!["p50"]!.GetValue<double>());
    }

    [Fact]
    public async Task An_event_the_webhook_would_refuse_is_reported_and_skipped_never_silently()
    {
        JsonObject broken = Completed("PO-2", "2026-12-08T09:00:00Z");
        broken["data"]!["requiredDeliveryBy"] = "not a date";
        string scenario = WriteScenario("mixed.json", Completed("PO-1", "2026-12-08T09:00:00Z"), broken);
        string json = FilePath("mixed.out.json");

        (int exit, _, string error) = await Simulate("--scenario", scenario, "--json", json);

        Assert.Equal(0, exit);
        Assert.Contains("skipped event 1 (id evt-PO-2)", error);
        Assert.Contains("requiredDeliveryBy", error);
        JsonNode result = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(1, result["scenario"]!["orders"]!.GetValue<int>());
        Assert.Single(result["scenario"]!["refused"]!.AsArray());
    }

    [Fact]
    public async Task Json_lines_are_read_like_an_array()
    {
        string scenario = FilePath("day.jsonl");
        File.WriteAllLines(scenario, [Completed("PO-1", "2026-12-08T09:00:00Z").ToJsonString(), "", Completed("PO-2", "2026-12-08T10:00:00Z").ToJsonString()]);
        string json = FilePath("day.out.json");

        (int exit, _, string error) = await Simulate("--scenario", scenario, "--json", json);

        Assert.True(exit == 0, error);
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(json))!["scenario"]!["orders"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("not-json", "not valid JSON")]
    [InlineData("bad-runs", "--batch-runs: '25:00' is not a time of day")]
    [InlineData("bad-seed", "--seed must be a whole number")]
    [InlineData("unknown-flag", "--frobnicate")]
    [InlineData("no-scenario", "--scenario FILE is required")]
    [InlineData("no-completion", "holds no valid production-completed event")]
    [InlineData("bad-settings", "settings")]
    [InlineData("unknown-plant", "Plant P555 of the scenario has no dock model")]
    [InlineData("two-per-line", "line 2: JSON Lines hold one event per line; this line holds 2")]
    [InlineData("huge-duration", "a duration is out of range")]
    public async Task A_bad_file_or_flag_exits_with_code_2_and_says_what_is_wrong(string problem, string message)
    {
        string good = WriteScenario("good.json", Completed("PO-1", "2026-12-08T09:00:00Z"));
        string[] args = problem switch
        {
            "missing" => ["--scenario", FilePath("nowhere.json")],
            "not-json" => ["--scenario", Write("broken.json", "[{\"id\": ")],
            "bad-runs" => ["--scenario", good, "--batch-runs", "08:00,25:00"],
            "bad-seed" => ["--scenario", good, "--seed", "-3"],
            "unknown-flag" => ["--scenario", good, "--frobnicate"],
            "no-scenario" => [],
            "no-completion" => ["--scenario", Write("empty.json", "[]")],
            "bad-settings" => ["--scenario", good, "--settings", Write("settings.json", "{\"detentionRatePerHourz\": 75}")],
            "unknown-plant" => ["--scenario", WriteScenario("p555.json", Plant(Completed("PO-1", "2026-12-08T09:00:00Z"), "P555"))],
            "two-per-line" => ["--scenario", Write("two.jsonl", Completed("PO-0", "2026-12-08T08:00:00Z").ToJsonString() + "\n[" + Completed("PO-1", "2026-12-08T09:00:00Z").ToJsonString() + "," + Completed("PO-2", "2026-12-08T09:00:00Z").ToJsonString() + "]")],
            "huge-duration" => ["--scenario", good, "--settings", Write("huge.json", "{\"detentionFreeHours\": 1e300}")],
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        (int exit, _, string error) = await Simulate(args);

        Assert.Equal(SimulateCommand.BadInput, exit);
        Assert.Contains(message, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_local_host_process_exits_with_code_2_on_a_bad_file()
    {
        string host = Path.Combine(AppContext.BaseDirectory, "MesTms.LocalHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { host, "simulate", "--scenario", FilePath("nowhere.json") })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("nowhere.json' does not exist", error);
    }

    string Write(string name, string text)
    {
        string path = FilePath(name);
        File.WriteAllText(path, text);
        return path;
    }

    static JsonObject Plant(JsonObject e, string plant)
    {
        e["source"] = $"/plants/{plant}/lines/L1";
        e["data"]!["plantId"] = plant;
        return e;
    }
}
