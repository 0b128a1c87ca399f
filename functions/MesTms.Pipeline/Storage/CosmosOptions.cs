namespace MesTms.Pipeline.Storage;

/// <summary>Cosmos DB settings, bound from configuration section <c>MesTms:Cosmos</c>.</summary>
public sealed class CosmosOptions
{
    public const string Section = "MesTms:Cosmos";

    /// <summary>Account endpoint, e.g. https://myaccount.documents.azure.com:443/.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Account key. Leave empty in Azure: the app then signs in with its managed identity.</summary>
    public string? Key { get; set; }

    /// <summary>Client id of the user-assigned managed identity (Azure only).</summary>
    public string? ManagedIdentityClientId { get; set; }

    public string DatabaseName { get; set; } = "mestms";

    /// <summary>Talk to a local gateway emulator: gateway mode, one endpoint, its self-signed certificate accepted.</summary>
    public bool Emulator { get; set; }

    /// <summary>Create the database and containers at start-up (local runs and tests; in Azure, infra creates them).</summary>
    public bool CreateIfNotExists { get; set; }

    /// <summary>How long event records are kept for de-duplication (Event Grid retries for at most 24 h).</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(30);

    public void Validate()
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"{Section}:Endpoint must be an absolute http(s) URL, not '{Endpoint}'.");
        }

        if (string.IsNullOrWhiteSpace(DatabaseName))
        {
            throw new InvalidOperationException($"{Section}:DatabaseName is required.");
        }

        if (EventRetention < TimeSpan.FromDays(2))
        {
            throw new InvalidOperationException($"{Section}:EventRetention must be at least 2 days so redeliveries are still recognised.");
        }
    }
}

/// <summary>Container names and partition keys. infra/ creates the same containers.</summary>
public static class CosmosContainers
{
    /// <summary>Every incoming MES event, accepted or rejected; id = event id (the dedupe key). Partition key /id.</summary>
    public const string Events = "events";

    /// <summary>One document per production order's shipment. Partition key /orderId.</summary>
    public const string Shipments = "shipments";

    /// <summary>One quality-hold ledger per production order. Partition key /orderId.</summary>
    public const string QualityHolds = "qualityHolds";

    /// <summary>Every planner notification sent (outbox and audit). Partition key /id.</summary>
    public const string Notifications = "notifications";

    /// <summary>Every tender sent to a carrier, with the first answer; id = tender id. Partition key /id.</summary>
    public const string Tenders = "tenders";

    /// <summary>Observed service performance per carrier; id = SCAC. Partition key /id.</summary>
    public const string CarrierPerformance = "carrierPerformance";

    /// <summary>Open loads (one per plant + destination group + equipment class) and closed loads; id = pool key or load id. Partition key /id.</summary>
    public const string Loads = "loads";

    /// <summary>One door schedule per plant-day; id = {plantId}|{yyyy-MM-dd}. Partition key /id.</summary>
    public const string DockSchedules = "dockSchedules";

    /// <summary>Every X12 interchange written to or read from EDI carriers, and their control-number counters. Partition key /id.</summary>
    public const string EdiDocuments = "ediDocuments";

    /// <summary>
    /// Every container with its partition key and default TTL (-1: on, items set their own; null: off).
    /// Local runs create exactly these; infra/modules/cosmos.bicep declares the same (a test checks it).
    /// </summary>
    public static readonly IReadOnlyList<CosmosContainerDefinition> All =
    [
        new(Events, "/id", -1),
        new(Shipments, "/orderId", null),
        new(QualityHolds, "/orderId", null),
        new(Notifications, "/id", null),
        new(Tenders, "/id", null),
        new(CarrierPerformance, "/id", null),
        new(Loads, "/id", null),
        new(DockSchedules, "/id", null),
        new(EdiDocuments, "/id", null),
    ];
}

public sealed record CosmosContainerDefinition(string Name, string PartitionKeyPath, int? DefaultTimeToLive);
