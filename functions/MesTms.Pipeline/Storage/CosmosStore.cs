using System.Net;
using System.Text.Json.Serialization;
using System.Text.Json;
using Azure.Identity;
using MesTms.Pipeline.Telemetry;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Storage;

/// <summary>The Cosmos client and containers of the app. One instance per process.</summary>
public sealed class CosmosStore : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    readonly CosmosOptions options;

    public CosmosStore(CosmosOptions options)
        : this(options, [])
    {
    }

    /// <param name="handlers">Extra SDK request handlers, outermost first (tests inject faults here: 412, 429).</param>
    public CosmosStore(CosmosOptions options, IEnumerable<RequestHandler> handlers)
    {
        options.Validate();
        this.options = options;
        var clientOptions = new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = Json,
            ApplicationName = "mestms",
        };
        // Outermost: every request the app makes is counted (metrics, and its order's trace), faults injected below included.
        clientOptions.CustomHandlers.Add(new Telemetry.CosmosTelemetryHandler());
        foreach (RequestHandler handler in handlers)
        {
            clientOptions.CustomHandlers.Add(handler);
        }

        if (options.Emulator)
        {
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
            clientOptions.HttpClientFactory = () => new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 64,
            });
            clientOptions.RequestTimeout = TimeSpan.FromSeconds(10);
        }

        Client = string.IsNullOrEmpty(options.Key)
            ? new CosmosClient(options.Endpoint, new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = options.ManagedIdentityClientId,
            }), clientOptions)
            : new CosmosClient(options.Endpoint, options.Key, clientOptions);

        Database database = Client.GetDatabase(options.DatabaseName);
        Events = database.GetContainer(CosmosContainers.Events);
        Shipments = database.GetContainer(CosmosContainers.Shipments);
        QualityHolds = database.GetContainer(CosmosContainers.QualityHolds);
        Notifications = database.GetContainer(CosmosContainers.Notifications);
        Tenders = database.GetContainer(CosmosContainers.Tenders);
        CarrierPerformance = database.GetContainer(CosmosContainers.CarrierPerformance);
        Loads = database.GetContainer(CosmosContainers.Loads);
        DockSchedules = database.GetContainer(CosmosContainers.DockSchedules);
        EdiDocuments = database.GetContainer(CosmosContainers.EdiDocuments);
    }

    public CosmosClient Client { get; }

    public Container Events { get; }

    public Container Shipments { get; }

    public Container QualityHolds { get; }

    public Container Notifications { get; }

    public Container Tenders { get; }

    public Container CarrierPerformance { get; }

    public Container Loads { get; }

    public Container DockSchedules { get; }

    public Container EdiDocuments { get; }

    public int EventTimeToLiveSeconds => (int)options.EventRetention.TotalSeconds;

    /// <summary>Creates the database and containers when <see cref="CosmosOptions.CreateIfNotExists"/> is set.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (!options.CreateIfNotExists)
        {
            return;
        }

        DatabaseResponse database = await Client.CreateDatabaseIfNotExistsAsync(options.DatabaseName, cancellationToken: cancellationToken);
        foreach (CosmosContainerDefinition container in CosmosContainers.All)
        {
            await database.Database.CreateContainerIfNotExistsAsync(
                new ContainerProperties(container.Name, container.PartitionKeyPath) { DefaultTimeToLive = container.DefaultTimeToLive },
                cancellationToken: cancellationToken);
        }
    }

    /// <summary>True for failures worth a retry by the caller (Event Grid): outage, throttling, timeouts.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        CosmosException c => c.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests
            or HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError or HttpStatusCode.Gone,
        HttpRequestException => true,
        TimeoutException => true,
        OperationCanceledException => true,
        AggregateException a => a.InnerExceptions.Any(IsTransient),
        _ => exception.InnerException is not null && IsTransient(exception.InnerException),
    };

    public void Dispose() => Client.Dispose();
}
