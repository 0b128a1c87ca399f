using DurableTask.Core;
using MesTms.LocalHost.Carriers;
using MesTms.LocalHost.Durable;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Dashboard;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Time;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Scalar.AspNetCore;

namespace MesTms.LocalHost;

/// <summary>
/// The local host: the Functions app's HTTP handlers on ASP.NET Core, its orchestrators and activities on a
/// Durable Task worker connected over gRPC to an in-process sidecar, Cosmos and Azure Storage from the emulators.
/// Used by <c>dotnet run --project functions/MesTms.LocalHost</c> and by the end-to-end tests.
/// </summary>
public sealed class LocalApp : IAsyncDisposable
{
    readonly WebApplication app;
    readonly DurableSidecar sidecar;
    readonly LocalEmulators? emulators;

    LocalApp(WebApplication app, DurableSidecar sidecar, LocalEmulators? emulators)
    {
        this.app = app;
        this.sidecar = sidecar;
        this.emulators = emulators;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>Where the API listens, e.g. http://127.0.0.1:7071/.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>The child emulators this host started (null when it uses emulators started elsewhere).</summary>
    public LocalEmulators? Emulators => emulators;

    public DurableTaskClient Durable => app.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Builds and starts everything. <paramref name="overrides"/> win over every other configuration source.</summary>
    /// <param name="services">Extra registrations after the app's own (tests: a Cosmos fault injector).</param>
    public static async Task<LocalApp> StartAsync(string[] args, IReadOnlyDictionary<string, string?>? overrides = null, CancellationToken cancellationToken = default,
        Action<IServiceCollection>? services = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071");
        }

        var options = new LocalHostOptions();
        builder.Configuration.GetSection(LocalHostOptions.Section).Bind(options);
        options.Validate();

        using ILoggerFactory startupLogging = LoggerFactory.Create(logging => logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        ILogger log = startupLogging.CreateLogger("MesTms.LocalHost");

        LocalEmulators? emulators = null;
        DurableSidecar? sidecar = null;
        try
        {
            string? storage = options.StorageConnectionString;
            if (options.StartEmulators)
            {
                string root = LocalEmulators.FindRepositoryRoot();
                emulators = await LocalEmulators.StartAsync(new EmulatorSettings
                {
                    Directory = string.IsNullOrEmpty(options.EmulatorsDirectory) ? Path.Combine(root, "tests", "emulators") : options.EmulatorsDirectory,
                    CosmosPort = options.CosmosPort,
                    AzuritePort = options.AzuritePort,
                    DataDirectory = string.IsNullOrEmpty(options.DataDirectory) ? null : Path.Combine(root, options.DataDirectory),
                }, message => log.LogInformation("{Message}", message), cancellationToken);
                storage = emulators.Endpoints.StorageConnectionString;
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    [$"{CosmosOptions.Section}:Endpoint"] = emulators.Endpoints.CosmosEndpoint,
                    [$"{CosmosOptions.Section}:Key"] = EmulatorEndpoints.CosmosKey,
                    [$"{CosmosOptions.Section}:Emulator"] = "true",
                    [$"{CosmosOptions.Section}:CreateIfNotExists"] = "true",
                });
            }

            // The Durable backend logs a great deal at Information; keep it to warnings.
            ILoggerFactory durableLogging = LoggerFactory.Create(logging => logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            IOrchestrationService service = await DurableBackend.CreateAsync(options.DurableBackend, options.TaskHub, storage, durableLogging, options.QueuePollingInterval);
            int sidecarPort = options.SidecarPort == 0 ? LocalEmulators.FreePort() : options.SidecarPort;
            sidecar = await DurableSidecar.StartAsync(service, sidecarPort, durableLogging, cancellationToken);
            log.LogInformation("Durable sidecar ({Backend}, task hub {TaskHub}) on {Address}", options.DurableBackend, options.TaskHub, sidecar.Address);

            var clock = new AppClock(options.ClockStart, options.ClockSpeed);
            builder.Services.AddSingleton(clock);
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton<WorkflowClockSource>(new AppWorkflowClockSource(clock));
            if (options.ClockStart is not null || options.ClockSpeed != 1)
            {
                log.LogWarning("The app's clock starts at {ClockStart:u} and runs {Speed}x real time (LocalHost:ClockStart, LocalHost:ClockSpeed)",
                    clock.GetUtcNow(), options.ClockSpeed);
            }

            SimulatedCarrierGateway.AddTo(builder.Services, builder.Configuration);
            builder.Services.AddMesTmsPipeline(builder.Configuration);
            LocalTelemetry.Add(builder.Services, builder.Configuration);
            services?.Invoke(builder.Services);
            var channel = Grpc.Net.Client.GrpcChannel.ForAddress(sidecar.Address);
            builder.Services.AddDurableTaskWorker(worker =>
            {
                worker.UseGrpc(channel);
                worker.AddTasks(registry => registry.AddMesTmsWorkflows());
                worker.Configure(o =>
                {
                    o.Concurrency.MaximumConcurrentActivityWorkItems = 64;
                    o.Concurrency.MaximumConcurrentOrchestrationWorkItems = DurableBackend.OrchestrationConcurrency;
                });
            });
            builder.Services.AddDurableTaskClient(client =>
            {
                client.UseGrpc(channel);
                client.RegisterDirectly();
            });

            WebApplication app = builder.Build();
            await app.Services.GetRequiredService<CosmosStore>().EnsureCreatedAsync(cancellationToken);
            if (emulators is not null)
            {
                Supervise(app, emulators, options);
            }

            MapRoutes(app, options);
            await app.StartAsync(cancellationToken);
            var local = new LocalApp(app, sidecar, emulators);
            app.Logger.LogInformation("MES-TMS bridge listening on {Address} (POST api/events/mes, GET api/shipments/{{orderId}}, GET api/events/rejected)", local.BaseAddress);
            return local;
        }
        catch
        {
            if (sidecar is not null)
            {
                await sidecar.DisposeAsync();
            }

            if (emulators is not null)
            {
                await emulators.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// A child emulator that dies is reported loudly and restarted (LocalEmulators); its in-memory containers are created
    /// again; when it cannot be brought back the host stops with the reason rather than answering 503 forever.
    /// </summary>
    static void Supervise(WebApplication app, LocalEmulators emulators, LocalHostOptions options)
    {
        ILogger log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MesTms.LocalHost.Emulators");
        emulators.Report = (message, bad) =>
        {
            if (bad)
            {
                log.LogError("{Message}", message);
            }
            else
            {
                log.LogWarning("{Message}", message);
            }
        };
        emulators.Restarted += async name =>
        {
            if (name == "cosmos")
            {
                await app.Services.GetRequiredService<CosmosStore>().EnsureCreatedAsync();
                if (string.IsNullOrEmpty(options.DataDirectory))
                {
                    log.LogError("The Cosmos emulator kept its data in memory only: the state written before it died is gone.");
                }
            }
        };
        emulators.Failed += message =>
        {
            log.LogCritical("{Message} Stopping the local host: start it again (dotnet run --project functions/MesTms.LocalHost).", message);
            app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        };
    }

    static void MapRoutes(WebApplication app, LocalHostOptions options)
    {
        app.UseRouting();
        // The planners' dashboard at the root (also at /api/dashboard, as in Azure).
        app.MapGet("/", (HttpContext http) => DashboardPage.Serve(http)).ExcludeFromDescription();

        // The API document at its usual place too, and its reference UI (Scalar, served from the package: nothing fetched).
        app.MapGet("/openapi/v1.json", (HttpContext http) => OpenApiDocument.Serve(http)).ExcludeFromDescription();
        app.MapScalarApiReference("/docs", o => o
            .WithTitle("MES → TMS bridge API")
            // Relative to /docs/: the document at /openapi/v1.json.
            .AddDocument("v1", "MES → TMS bridge API", "../openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools());

        // The one route table, as the Functions app binds it.
        foreach (ApiRoute route in ApiRoutes.All)
        {
            app.MapMethods(route.Path, route.Methods, (HttpContext http, DurableTaskClient durable) =>
                    route.InvokeAsync(new ApiCall(http, http.Request.RouteValues.ToDictionary(v => v.Key, v => v.Value?.ToString()), durable)))
                .WithName(route.Name)
                .WithMetadata(route);
        }
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await app.DisposeAsync();
        await sidecar.DisposeAsync();
        if (emulators is not null)
        {
            await emulators.DisposeAsync();
        }
    }
}
