using System.Net.Http.Json;
using System.Text.Json;
using MesTms.LocalHost;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Storage;

namespace MesTms.Tests.Fixtures;

/// <summary>
/// The local host started in-process against the shared emulators, with its own database, task hub and port:
/// tests drive it only through HTTP (and read Cosmos or the Durable client to check what happened).
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    TestApp(LocalApp app, string database)
    {
        App = app;
        DatabaseName = database;
        Http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public LocalApp App { get; }

    public HttpClient Http { get; }

    public string DatabaseName { get; }

    public static async Task<TestApp> StartAsync(EmulatorFixture emulators, string backend = "InMemory", string? taskHub = null,
        string? database = null, IReadOnlyDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        database ??= EmulatorFixture.UniqueName("db");
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["LocalHost:StartEmulators"] = "false",
            ["LocalHost:DurableBackend"] = backend,
            ["LocalHost:TaskHub"] = taskHub ?? EmulatorFixture.UniqueName("hub"),
            ["LocalHost:StorageConnectionString"] = emulators.Endpoints.StorageConnectionString,
            ["MesTms:Cosmos:Endpoint"] = emulators.Endpoints.CosmosEndpoint,
            ["MesTms:Cosmos:Key"] = EmulatorEndpoints.CosmosKey,
            ["MesTms:Cosmos:DatabaseName"] = database,
            ["MesTms:Cosmos:Emulator"] = "true",
            ["MesTms:Cosmos:CreateIfNotExists"] = "true",
            // Carrier planning is off unless a test turns it on (then orders go on from ReadyToShip to tendering).
            ["MesTms:Carriers:ContractsPath"] = "",
            // Orders are planned one by one unless a test turns consolidation on.
            ["MesTms:Shipment:Consolidate"] = "false",
            // The local run's simulated X12 carrier and carrier statuses are off unless a test turns them on.
            ["MesTms:Carriers:Simulation:EdiCarriers:0"] = "",
            ["MesTms:Carriers:Simulation:Statuses:Enabled"] = "false",
        };
        if (TestClock.Shifted)
        {
            overrides["LocalHost:ClockStart"] = TestClock.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return new TestApp(await LocalApp.StartAsync([], overrides, services: services), database);
    }

    /// <summary>
    /// Settings for a test that plans carriers: the sample contracts, P100's address, simulated carriers that accept
    /// every tender within 50 ms, a one-minute tender timeout; <paramref name="extra"/> adds or overrides.
    /// </summary>
    public static Dictionary<string, string?> WithCarriers(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MesTms:Carriers:ContractsPath"] = Path.Combine(LocalEmulators.FindRepositoryRoot(), "functions", "MesTms.Pipeline", "Contracts", "carriers.v1.json"),
            ["MesTms:Plants:P100:PostalCode"] = "46218",
            ["MesTms:Plants:P100:Country"] = "US",
            ["MesTms:Carriers:Simulation:Enabled"] = "true",
            ["MesTms:Carriers:Simulation:AcceptanceProbability"] = "1",
            ["MesTms:Carriers:Simulation:DelayMilliseconds"] = "50",
            ["MesTms:Shipment:TenderResponseTimeout"] = "00:01:00",
        };
        foreach ((string key, string? value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The app's own clock (pinned by LocalHost:ClockStart in some tests).</summary>
    public DateTimeOffset Now => Service<TimeProvider>().GetUtcNow();

    /// <summary>
    /// Moves the app's clock on to just past <paramref name="at"/> if it is not there yet: a carrier status is only taken once
    /// its moment came (nothing from the future), so a test that reports a truck's arrival or a delivery first lets that time come.
    /// </summary>
    public void ClockAtLeast(DateTimeOffset at)
    {
        AppClock clock = Service<AppClock>();
        if (clock.GetUtcNow() < at)
        {
            clock.Advance(at - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        }
    }

    public T Service<T>() where T : notnull => (T)App.Services.GetService(typeof(T))!;

    public Task<HttpResponseMessage> PostEventsAsync(string json) =>
        Http.PostAsync("api/events/mes", new StringContent(json, System.Text.Encoding.UTF8, "application/cloudevents-batch+json"));

    /// <summary>Polls the planner API until the shipment reaches <paramref name="status"/> (or fails after <paramref name="within"/>, default 30 s).</summary>
    public async Task<Shipment> WaitForShipmentAsync(string orderId, ShipmentStatus status, Func<Shipment, bool>? also = null, TimeSpan? within = null)
    {
        DateTime deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        Shipment? last = null;
        while (DateTime.UtcNow < deadline)
        {
            HttpResponseMessage response = await Http.GetAsync($"api/shipments/{orderId}");
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadFromJsonAsync<Shipment>(CosmosStore.Json);
                if (last!.Status == status && (also is null || also(last)))
                {
                    return last;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Shipment {orderId} did not reach {status}; last seen: {JsonSerializer.Serialize(last, CosmosStore.Json)}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }
}
