using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MesTms.Domain.Docks;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Simulation.Replay;
using MesTms.Domain.Shipments;
using Microsoft.Extensions.Configuration;

namespace MesTms.LocalHost.Simulate;

/// <summary>A range in a settings file: <c>{"min": 5, "max": 45}</c>.</summary>
public sealed record RangeSetting(double Min, double Max);

/// <summary>
/// The optional settings file of <c>simulate --settings</c> (JSON, camelCase; unknown fields are refused). Everything has a
/// default: the dock model and carrier contracts shipped in <c>Contracts/</c>, the plant addresses of the local host's
/// <c>appsettings.json</c> (<c>MesTms:Plants</c>), carriers answering in 5-45 min and arriving 1-3 h after booking,
/// detention after 2 h at $75/h, batch runs at 08:00 and 14:00, consolidation on.
/// </summary>
public sealed record ReplaySettingsFile
{
    public string? Contracts { get; init; }

    public string? Docks { get; init; }

    public Dictionary<string, PlantAddress>? Plants { get; init; }

    public double? AcceptanceRate { get; init; }

    public RangeSetting? AnswerDelayMinutes { get; init; }

    public RangeSetting? ArrivalAfterBookingHours { get; init; }

    public int? Seed { get; init; }

    public double? DetentionFreeHours { get; init; }

    public decimal? DetentionRatePerHour { get; init; }

    public List<string>? BatchRuns { get; init; }

    public bool? Consolidate { get; init; }

    public double? EventLatencySeconds { get; init; }

    public int? MaxTenders { get; init; }

    public double? TenderResponseTimeoutHours { get; init; }

    /// <summary>True when the file says how carriers behave (else <c>--live</c> assumes the local host's simulated carriers).</summary>
    [JsonIgnore]
    public bool DescribesCarriers => AcceptanceRate is not null || AnswerDelayMinutes is not null || ArrivalAfterBookingHours is not null;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static ReplaySettingsFile Read(string? path)
    {
        if (path is null)
        {
            return new ReplaySettingsFile();
        }

        if (!File.Exists(path))
        {
            throw new ScenarioException($"Settings file '{path}' does not exist.");
        }

        try
        {
            return JsonSerializer.Deserialize<ReplaySettingsFile>(File.ReadAllText(path), Json) ?? new ReplaySettingsFile();
        }
        catch (JsonException e)
        {
            throw new ScenarioException($"Settings file '{path}': {e.Message}");
        }
    }

    /// <summary>The replay settings: this file over the defaults, then the flags (<paramref name="batchRuns"/>, <paramref name="seed"/>) over both.</summary>
    public ReplaySettings Resolve(string? batchRuns, int? seed)
    {
        try
        {
            return ResolveChecked(batchRuns, seed);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            // A duration too large for a TimeSpan (say, 1e300 hours).
            throw new ScenarioException($"Replay settings: a duration is out of range ({e.Message})");
        }
    }

    ReplaySettings ResolveChecked(string? batchRuns, int? seed)
    {
        string contractsPath = Contracts ?? Path.Combine(AppContext.BaseDirectory, "Contracts", "carriers.v1.json");
        string docksPath = Docks ?? Path.Combine(AppContext.BaseDirectory, "Contracts", "docks.v1.json");
        var defaults = new CarrierBehaviour();
        var settings = new ReplaySettings
        {
            Contracts = LoadFile(contractsPath, "carrier contracts", CarrierContractValidator.Load),
            Docks = LoadFile(docksPath, "dock model", PlantDockModel.Load),
            Plants = Plants ?? DefaultPlants(),
            Carriers = new CarrierBehaviour
            {
                AcceptanceRate = AcceptanceRate,
                AnswerDelayMin = AnswerDelayMinutes is { } answer ? TimeSpan.FromMinutes(answer.Min) : defaults.AnswerDelayMin,
                AnswerDelayMax = AnswerDelayMinutes is { } answerMax ? TimeSpan.FromMinutes(answerMax.Max) : defaults.AnswerDelayMax,
                ArrivalAfterBookingMin = ArrivalAfterBookingHours is { } arrival ? TimeSpan.FromHours(arrival.Min) : defaults.ArrivalAfterBookingMin,
                ArrivalAfterBookingMax = ArrivalAfterBookingHours is { } arrivalMax ? TimeSpan.FromHours(arrivalMax.Max) : defaults.ArrivalAfterBookingMax,
            },
            Seed = seed ?? Seed ?? 1,
            DetentionFreeTime = DetentionFreeHours is { } free ? TimeSpan.FromHours(free) : TimeSpan.FromHours(2),
            DetentionRatePerHour = DetentionRatePerHour ?? 75m,
            BatchRuns = ParseRuns(batchRuns ?? (BatchRuns is { } runs ? string.Join(',', runs) : "08:00,14:00")),
            EventLatency = EventLatencySeconds is { } latency ? TimeSpan.FromSeconds(latency) : TimeSpan.FromSeconds(2),
            Shipment = new ShipmentPolicy
            {
                Consolidate = Consolidate ?? true,
                MaxTenders = MaxTenders ?? 5,
                TenderResponseTimeout = TenderResponseTimeoutHours is { } timeout ? TimeSpan.FromHours(timeout) : TimeSpan.FromHours(2),
            },
            Consolidation = new ConsolidationPolicy(),
        };
        IReadOnlyList<string> problems = settings.Validate();
        return problems.Count == 0 ? settings : throw new ScenarioException($"Replay settings: {string.Join("; ", problems)}");
    }

    /// <summary>"08:00,14:00" → the run times; anything else is a clear error.</summary>
    public static IReadOnlyList<TimeOnly> ParseRuns(string text)
    {
        var runs = new List<TimeOnly>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TimeOnly.TryParseExact(part, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly run))
            {
                throw new ScenarioException($"--batch-runs: '{part}' is not a time of day as HH:mm (for example 08:00,14:00).");
            }

            runs.Add(run);
        }

        return runs.Count > 0 ? runs.Distinct().Order().ToList() : throw new ScenarioException("--batch-runs: give at least one time of day, for example 08:00,14:00.");
    }

    static T LoadFile<T>(string path, string what, Func<Stream, T> load)
    {
        if (!File.Exists(path))
        {
            throw new ScenarioException($"The {what} file '{path}' does not exist.");
        }

        try
        {
            using FileStream file = File.OpenRead(path);
            return load(file);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or ArgumentException)
        {
            throw new ScenarioException($"The {what} file '{path}': {e.Message}");
        }
    }

    /// <summary>
    /// The carriers the local host simulates (<c>MesTms:Carriers:Simulation</c> in its appsettings.json): each tender answered
    /// after the configured delay, accepted by the same seeded draw on the tender id, the truck confirmed from the start of the
    /// pickup day, reporting arrival (late by the same draw), departure and delivery at the same moments.
    /// </summary>
    public static CarrierBehaviour LocalHostCarriers()
    {
        var simulation = new LocalHost.Carriers.SimulatedCarrierOptions();
        new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true).Build()
            .GetSection(LocalHost.Carriers.SimulatedCarrierOptions.Section).Bind(simulation);
        TimeSpan delay = TimeSpan.FromMilliseconds(simulation.DelayMilliseconds);
        return new CarrierBehaviour
        {
            AnswerDelayMin = delay,
            AnswerDelayMax = delay,
            ArrivalAfterBookingMin = TimeSpan.Zero,
            ArrivalAfterBookingMax = TimeSpan.Zero,
            Accepts = (tenderId, scac) =>
            {
                simulation.Carriers.TryGetValue(scac, out LocalHost.Carriers.SimulatedCarrier? carrier);
                return carrier?.Silent != true
                    && LocalHost.Carriers.SimulatedCarrierGateway.Draw(simulation.Seed, tenderId) < (carrier?.AcceptanceProbability ?? simulation.AcceptanceProbability);
            },
            // The statuses its trucks report once booked with a door, as the local host's simulated carriers send them.
            Reports = (tenderId, scac, booked) => simulation.Statuses.Enabled && booked is { Booking: { } booking, DockAppointment: { } door }
                ? LocalHost.Carriers.SimulatedCarrierStatuses.Plan(simulation, tenderId, scac, booking, door, booked.Destination?.LocationId)
                : [],
        };
    }

    /// <summary>The plant addresses the local host runs with (<c>MesTms:Plants</c> in its appsettings.json).</summary>
    static Dictionary<string, PlantAddress> DefaultPlants()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true).Build();
        return configuration.GetSection("MesTms:Plants").GetChildren()
            .ToDictionary(p => p.Key, p => new PlantAddress(p["PostalCode"] ?? "", p["Country"] ?? "US"), StringComparer.Ordinal);
    }
}
