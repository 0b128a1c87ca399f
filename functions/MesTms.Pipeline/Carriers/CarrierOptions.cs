using MesTms.Domain.Rating;

namespace MesTms.Pipeline.Carriers;

/// <summary>Carrier planning settings, bound from <c>MesTms:Carriers</c>.</summary>
public sealed class CarrierOptions
{
    public const string Section = "MesTms:Carriers";

    /// <summary>
    /// The carrier contract file (JSON, see Contracts/carriers.v1.json), relative to the app folder or absolute.
    /// Empty: no rate shopping or tendering — orders stop at ReadyToShip.
    /// </summary>
    public string? ContractsPath { get; set; }

    /// <summary>Tender endpoints of carriers answered through the HTTP adapter, by SCAC.</summary>
    public Dictionary<string, string> Endpoints { get; set; } = [];

    /// <summary>Carriers that trade X12 EDI (204 out; 990, 214 and 997 in) instead of JSON, by SCAC (<c>MesTms:Carriers:Edi:{SCAC}</c>).</summary>
    public Dictionary<string, EdiPartnerOptions> Edi { get; set; } = [];

    /// <summary>How the HTTP adapter calls carrier APIs (<c>MesTms:Carriers:Http</c>).</summary>
    public CarrierHttpOptions Http { get; set; } = new();

    /// <summary>
    /// A carrier status (JSON or a 214's AT7) dated more than this after the bridge's clock is refused and stored as
    /// refused, never applied (default 15 minutes; 0 to 1 day).
    /// </summary>
    public TimeSpan StatusClockSkew { get; set; } = MesTms.Domain.Shipments.CarrierProgressRules.DefaultClockSkew;

    public IReadOnlyList<string> Validate()
    {
        List<string> problems = [.. Http.Validate()];
        if (StatusClockSkew < TimeSpan.Zero || StatusClockSkew > TimeSpan.FromDays(1))
        {
            problems.Add($"{Section}:StatusClockSkew must be between 00:00:00 and 1.00:00:00");
        }

        return problems;
    }
}

/// <summary>
/// Carrier API calls: each has <see cref="CallTimeout"/>; a carrier whose calls keep failing (5xx, timeouts, refused or
/// dropped connections: <see cref="FailureRatio"/> of at least <see cref="MinimumThroughput"/> calls within
/// <see cref="SamplingDuration"/>) is not called for <see cref="BreakDuration"/> — its tenders are skipped at once as
/// undeliverable. The HTTP pipeline never retries: a tender POST is not safe to repeat blindly, so the activity does,
/// a bounded number of times (<c>MesTms:Shipment:TenderSendAttempts</c>), before the waterfall moves on to the next carrier.
/// </summary>
public sealed class CarrierHttpOptions
{
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 4;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (CallTimeout <= TimeSpan.Zero || CallTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{CarrierOptions.Section}:Http:CallTimeout must be more than 0 and at most 5 minutes");
        }

        if (FailureRatio is <= 0 or > 1)
        {
            problems.Add($"{CarrierOptions.Section}:Http:FailureRatio must be more than 0 and at most 1");
        }

        if (MinimumThroughput < 2)
        {
            problems.Add($"{CarrierOptions.Section}:Http:MinimumThroughput must be at least 2");
        }

        if (SamplingDuration < TimeSpan.FromMilliseconds(500) || BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            problems.Add($"{CarrierOptions.Section}:Http:SamplingDuration and BreakDuration must be at least 0.5 s");
        }

        return problems;
    }
}

/// <summary>Where a plant ships from, bound from <c>MesTms:Plants:{plantId}</c>.</summary>
public sealed class PlantOptions
{
    public const string Section = "MesTms:Plants";

    public string PostalCode { get; set; } = "";

    public string Country { get; set; } = "US";
}

/// <summary>The loaded contract set and the rate shopper built over it (once per process).</summary>
public sealed class CarrierCatalog
{
    /// <summary>Loads and validates the contract file now, so a wrong path or a broken file stops the host at start-up.</summary>
    public CarrierCatalog(CarrierOptions options, IReadOnlyDictionary<string, PlantOptions> plants)
    {
        Plants = plants;
        if (string.IsNullOrWhiteSpace(options.ContractsPath))
        {
            return;
        }

        string path = Path.IsPathRooted(options.ContractsPath) ? options.ContractsPath : Path.Combine(AppContext.BaseDirectory, options.ContractsPath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{CarrierOptions.Section}:ContractsPath '{path}' does not exist.");
        }

        using FileStream file = File.OpenRead(path);
        Shopper = new RateShopper(CarrierContractValidator.Load(file));
    }

    public IReadOnlyDictionary<string, PlantOptions> Plants { get; }

    /// <summary>Null when no contract file is configured (planning off).</summary>
    public RateShopper? Shopper { get; }

    /// <summary>The contract of a carrier by SCAC (null: no contract file, or no such carrier).</summary>
    public CarrierContract? Contract(string scac) => Shopper?.Carriers.FirstOrDefault(c => c.Scac == scac);
}
