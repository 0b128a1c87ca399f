using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Simulation.Replay;
using Spectre.Console;

namespace MesTms.LocalHost.Simulate;

/// <summary>
/// <c>simulate</c>: replays a plant day of MES events under event-driven booking and batch planning side by side, in
/// virtual time, with no emulators or Durable; prints both policies' measures, and writes them as JSON and an HTML report.
/// Exit codes: 0 done, 2 a bad file or flag (with a message saying which and why).
/// </summary>
public static class SimulateCommand
{
    public const int BadInput = 2;

    static readonly Option<string> ScenarioOption = new("--scenario") { Description = "MES CloudEvents to replay: a JSON array or JSON Lines, as the webhook accepts them." };
    static readonly Option<string> JsonOption = new("--json") { Description = "Write the measures and the savings ledger per order to this JSON file." };
    static readonly Option<string> ReportOption = new("--report") { Description = "Write a self-contained HTML report (charts, door timelines, cost waterfall) to this file." };
    static readonly Option<string> BatchRunsOption = new("--batch-runs") { Description = "The batch policy's planning runs, plant time (UTC in the shipped dock models). Default 08:00,14:00." };
    static readonly Option<string> SeedOption = new("--seed") { Description = "Seed of the carriers' answers and arrivals (same for both policies). Default 1." };
    static readonly Option<string> SettingsOption = new("--settings") { Description = "Settings JSON: contracts, docks, plants, carrier behaviour, detention, batch runs, consolidation." };
    static readonly Option<bool> GenerateOption = new("--generate") { Description = "Write a realistic plant day as a scenario instead of replaying one (with --out, --orders, --seed)." };
    static readonly Option<string> OrdersOption = new("--orders") { Description = "How many orders --generate writes. Default 300." };
    static readonly Option<string> OutOption = new("--out") { Description = "Where --generate writes the scenario." };
    static readonly Option<string> DayOption = new("--day") { Description = "The plant day --generate writes (yyyy-MM-dd, a working day). Default: the next Tuesday." };
    static readonly Option<string> LiveOption = new("--live") { Description = "Publish the scenario to this running bridge (times shifted to now) and compare its decisions with the replay." };
    static readonly Option<string> SpeedOption = new("--speed") { Description = "With --live: the speed of the bridge's clock (LocalHost:ClockSpeed), checked before anything is published; default: whatever the bridge runs at." };
    static readonly Option<string> KeyOption = new("--key") { Description = "With --live: the bridge's MES key (aeg-sas-key). Default 'local'." };
    static readonly Option<string> RunTagOption = new("--run-tag") { Description = "With --live: the suffix of order and event ids (letters and digits). Default R + the time." };
    static readonly Option<string> WaitOption = new("--wait-minutes") { Description = "With --live: how long to wait for the shipments once the bridge's clock has passed the replay's last booking (or the last event). Default 5." };

    /// <param name="interactive">A terminal: a live progress bar; otherwise (redirected output) plain progress lines.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool interactive, TimeProvider? clock = null)
    {
        var command = new Command("simulate", "Replays a plant day of MES events under event-driven booking and batch planning, side by side, in virtual time.")
        {
            ScenarioOption, JsonOption, ReportOption, BatchRunsOption, SeedOption, SettingsOption, GenerateOption, OrdersOption, OutOption, DayOption,
            LiveOption, SpeedOption, KeyOption, WaitOption, RunTagOption,
        };
        // Named "simulate" (the verb the user typed) rather than after the executable, with --help as a root command has.
        command.Options.Add(new System.CommandLine.Help.HelpOption());
        ParseResult parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"simulate: {problem.Message}");
            }

            await error.WriteLineAsync("Usage: simulate --scenario FILE [--json OUT.json] [--report OUT.html] [--batch-runs 08:00,14:00] [--seed N] [--settings FILE]");
            await error.WriteLineAsync("       simulate --generate --out FILE [--orders 300] [--seed N] [--day yyyy-MM-dd]");
            await error.WriteLineAsync("       simulate --scenario FILE --live http://127.0.0.1:7071 [--speed 60] [--key local] [--wait-minutes 5] [--settings FILE]");
            return BadInput;
        }

        if (parsed.Action is not null && parsed.Action.GetType().Name.Contains("Help", StringComparison.Ordinal))
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        }

        try
        {
            int? seed = parsed.GetValue(SeedOption) is { } s ? Whole(s, "--seed", allowZero: true) : null;
            if (parsed.GetValue(GenerateOption))
            {
                string path = parsed.GetValue(OutOption) ?? throw new ScenarioException("--generate needs --out FILE: where to write the scenario.");
                int count = parsed.GetValue(OrdersOption) is { } n ? Whole(n, "--orders", allowZero: false) : 300;
                DateOnly day = parsed.GetValue(DayOption) is { } d ? Day(d) : ScenarioGenerator.NextTuesday(clock ?? TimeProvider.System);
                int written = ScenarioGenerator.Write(path, count, seed ?? 1, day);
                await output.WriteLineAsync($"Wrote {written} MES events for {count} orders on {day:yyyy-MM-dd} (seed {seed ?? 1}) to {path}");
                return 0;
            }

            string scenarioPath = parsed.GetValue(ScenarioOption) ?? throw new ScenarioException("--scenario FILE is required (or --generate to write one).");
            if (parsed.GetValue(LiveOption) is { } live)
            {
                if (!Uri.TryCreate(live.EndsWith('/') ? live : live + "/", UriKind.Absolute, out Uri? bridge) || bridge.Scheme is not ("http" or "https"))
                {
                    throw new ScenarioException($"--live must be the bridge's http(s) address, for example http://127.0.0.1:7071, not '{live}'.");
                }

                double? speed = parsed.GetValue(SpeedOption) is { } x
                    ? double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is >= 1 and <= 100_000 ? f
                        : throw new ScenarioException($"--speed must be a number from 1 to 100000, not '{x}'.")
                    : null;
                int waitMinutes = parsed.GetValue(WaitOption) is { } w ? Whole(w, "--wait-minutes", allowZero: false) : 5;
                string? tag = parsed.GetValue(RunTagOption);
                if (tag is not null && (tag.Length is 0 or > 16 || !tag.All(char.IsAsciiLetterOrDigit)))
                {
                    throw new ScenarioException($"--run-tag must be 1-16 letters or digits, not '{tag}'.");
                }

                (Scenario scenario, ReplaySettings settings) = Load(scenarioPath, parsed.GetValue(SettingsOption), parsed.GetValue(BatchRunsOption), seed, error);
                if (!ReplaySettingsFile.Read(parsed.GetValue(SettingsOption)).DescribesCarriers)
                {
                    // Unless told otherwise, the bridge is the local host with its simulated carriers.
                    settings = settings with { Carriers = ReplaySettingsFile.LocalHostCarriers() };
                }

                try
                {
                    return await LiveComparison.RunAsync(scenario, settings, bridge, parsed.GetValue(KeyOption) ?? "local", speed, TimeSpan.FromMinutes(waitMinutes),
                        output, clock ?? TimeProvider.System, tag);
                }
                catch (Exception e) when (e is HttpRequestException or Azure.RequestFailedException
                    || (e is AggregateException all && all.Flatten().InnerExceptions.All(i => i is HttpRequestException or Azure.RequestFailedException)))
                {
                    Exception first = e is AggregateException many ? many.Flatten().InnerExceptions[0] : e;
                    throw new ScenarioException($"the bridge at {bridge} did not take the events: {first.Message.Split('\n')[0].Trim()}");
                }
            }

            return await ReplayAsync(scenarioPath, parsed.GetValue(SettingsOption), parsed.GetValue(BatchRunsOption), seed,
                parsed.GetValue(JsonOption), parsed.GetValue(ReportOption), output, error, interactive);
        }
        catch (ScenarioException e)
        {
            await error.WriteLineAsync($"simulate: {e.Message}");
            return BadInput;
        }
    }

    static async Task<int> ReplayAsync(string scenarioPath, string? settingsPath, string? batchRuns, int? seed, string? jsonPath, string? reportPath,
        TextWriter output, TextWriter error, bool interactive)
    {
        (Scenario scenario, ReplaySettings settings) = Load(scenarioPath, settingsPath, batchRuns, seed, error);
        var shopper = new RateShopper(settings.Contracts);
        var watch = Stopwatch.StartNew();
        (ReplayRun eventDriven, ReplayRun batch) = await RunBothAsync(scenario, settings, shopper, output, interactive);
        watch.Stop();

        var result = new SimulationResult(scenario, settings, PolicyMeasures.Of(eventDriven), PolicyMeasures.Of(batch), eventDriven, batch,
            SavingsRow.Compare(batch, eventDriven), watch.Elapsed);
        SimulationTable.Write(result, Console(output, interactive));
        if (jsonPath is not null)
        {
            SimulationJson.Write(result, jsonPath);
            await output.WriteLineAsync($"Measures and savings ledger written to {jsonPath}");
        }

        if (reportPath is not null)
        {
            SimulationReport.Write(result, reportPath);
            await output.WriteLineAsync($"Report written to {reportPath}");
        }

        return 0;
    }

    /// <summary>The scenario (refused events reported on <paramref name="error"/>) and the settings, checked against each other.</summary>
    static (Scenario, ReplaySettings) Load(string scenarioPath, string? settingsPath, string? batchRuns, int? seed, TextWriter error)
    {
        Scenario scenario = ScenarioFile.Read(scenarioPath);
        foreach (RefusedScenarioEvent refused in scenario.Refused)
        {
            error.WriteLine($"simulate: skipped event {refused.Index} (id {refused.Id ?? "none"}): {string.Join("; ", refused.Errors)}");
        }

        if (scenario.Completions == 0)
        {
            throw new ScenarioException($"Scenario file '{scenarioPath}' holds no valid production-completed event ({scenario.Refused.Count} refused, {scenario.Events.Count} other).");
        }

        ReplaySettings settings = ReplaySettingsFile.Read(settingsPath).Resolve(batchRuns, seed);
        foreach (string plant in scenario.Events.Select(e => e.Event.Order.PlantId).Distinct())
        {
            if (settings.Docks.All(d => d.PlantId != plant))
            {
                throw new ScenarioException($"Plant {plant} of the scenario has no dock model (plants with one: {string.Join(", ", settings.Docks.Select(d => d.PlantId))}); give one with \"docks\" in --settings.");
            }

            if (!settings.Plants.TryGetValue(plant, out PlantAddress? address) || string.IsNullOrWhiteSpace(address.PostalCode))
            {
                throw new ScenarioException($"Plant {plant} of the scenario has no shipping address; give one with \"plants\": {{\"{plant}\": {{\"postalCode\": \"...\"}}}} in --settings.");
            }
        }

        return (scenario, settings);
    }

    static async Task<(ReplayRun EventDriven, ReplayRun Batch)> RunBothAsync(Scenario scenario, ReplaySettings settings, RateShopper shopper, TextWriter output, bool interactive)
    {
        int total = scenario.Events.Count;
        if (!interactive)
        {
            // Redirected output: a plain line per policy at each tenth of the events.
            object gate = new();
            Action<int> Plain(string name) => handled =>
            {
                if (handled == total || handled % Math.Max(1, total / 10) == 0)
                {
                    lock (gate)
                    {
                        output.WriteLine($"{name}: {handled} of {total} events replayed");
                    }
                }
            };
            Task<ReplayRun> live = Task.Run(() => PlantDayReplay.Run(scenario.Events, settings, PlanningPolicy.EventDriven, shopper, Plain("event-driven")));
            Task<ReplayRun> batch = Task.Run(() => PlantDayReplay.Run(scenario.Events, settings, PlanningPolicy.Batch, shopper, Plain("batch")));
            return (await live, await batch);
        }

        ReplayRun? eventDriven = null, batched = null;
        await Console(output, interactive).Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask liveTask = context.AddTask("event-driven", maxValue: total);
                ProgressTask batchTask = context.AddTask("batch", maxValue: total);
                Task<ReplayRun> live = Task.Run(() => PlantDayReplay.Run(scenario.Events, settings, PlanningPolicy.EventDriven, shopper, n => liveTask.Value = n));
                Task<ReplayRun> batch = Task.Run(() => PlantDayReplay.Run(scenario.Events, settings, PlanningPolicy.Batch, shopper, n => batchTask.Value = n));
                eventDriven = await live;
                batched = await batch;
                liveTask.Value = total;
                batchTask.Value = total;
            });
        return (eventDriven!, batched!);
    }

    static IAnsiConsole Console(TextWriter output, bool interactive)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!interactive)
        {
            // A file or a pipe has no width: wide enough that the table and its summary line never wrap.
            console.Profile.Width = 160;
        }

        return console;
    }

    static int Whole(string text, string flag, bool allowZero) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && (allowZero || n > 0)
            ? n
            : throw new ScenarioException($"{flag} must be a {(allowZero ? "" : "positive ")}whole number, not '{text}'.");

    static DateOnly Day(string text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day)
        ? day
        : throw new ScenarioException($"--day must be a date as yyyy-MM-dd, not '{text}'.");
}

/// <summary>Everything a replay produced, for the table, the JSON and the report.</summary>
public sealed record SimulationResult(
    Scenario Scenario,
    ReplaySettings Settings,
    PolicyMeasures EventDriven,
    PolicyMeasures Batch,
    ReplayRun EventDrivenRun,
    ReplayRun BatchRun,
    IReadOnlyList<SavingsRow> Ledger,
    TimeSpan Elapsed)
{
    /// <summary>How much shorter freight-ready → departure is event-driven, as a share of batch (0.6 = 60 % shorter).</summary>
    public double? DockToDepartureReduction => Batch.DockToDepartureMinutes.Mean is { } b && EventDriven.DockToDepartureMinutes.Mean is { } e && b > 0
        ? Math.Round(1 - (e / b), 4)
        : null;

    public IEnumerable<MesEvent> Events => Scenario.Events.Select(e => e.Event);
}
