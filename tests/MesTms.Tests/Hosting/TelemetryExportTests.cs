using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MesTms.LocalHost.Emulators;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Hosting;

/// <summary>The local host's OpenTelemetry export, received by a stand-in OTLP/HTTP collector.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class TelemetryExportTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task An_order_shows_up_as_durable_spans_and_bridge_metrics_at_an_otlp_collector()
    {
        using var collector = new OtlpCollector();
        // 1 ms: the answer comes through the tender answers API, so BookShipment runs as its own activity (a carrier that
        // answers in the tender call itself, at 0 ms, is booked inside MarkReadyToShip).
        Dictionary<string, string?> settings = TestApp.WithCarriers(new() { ["MesTms:Carriers:Simulation:DelayMilliseconds"] = "1" });
        settings["LocalHost:Telemetry:Exporter"] = "otlp";
        settings["LocalHost:Telemetry:OtlpEndpoint"] = collector.Endpoint;
        settings["LocalHost:Telemetry:MetricIntervalMilliseconds"] = "500";
        settings["LocalHost:Telemetry:TraceBatchDelayMilliseconds"] = "200";
        await using TestApp app = await TestApp.StartAsync(emulators, settings: settings);

        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        string[] expected = ["/v1/traces activity:BookShipment", "/v1/traces POST /api/events/mes", "/v1/metrics mestms.shipment.time_to_booked",
            "/v1/metrics mestms.shipment.cosmos_requests", "/v1/metrics mestms.cosmos.requests"];
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !expected.All(collector.Saw); )
        {
            await Task.Delay(200);
        }

        Assert.All(expected, e => Assert.True(collector.Saw(e), $"the collector never received {e}; got {collector.Summary}"));
    }
}

/// <summary>A stand-in OTLP/HTTP collector: accepts every export and keeps the bodies (protobuf keeps names as plain UTF-8).</summary>
public sealed class OtlpCollector : IDisposable
{
    readonly HttpListener listener = new();
    readonly ConcurrentQueue<(string Path, string Body)> received = new();
    readonly Task loop;

    public OtlpCollector()
    {
        int port = LocalEmulators.FreePort();
        Endpoint = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(Endpoint);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    public string Summary => string.Join(", ", received.GroupBy(r => r.Path).Select(g => $"{g.Key} ×{g.Count()}"));

    /// <summary>True when an export to the path ("/v1/traces ...") carried the text.</summary>
    public bool Saw(string pathAndText)
    {
        int space = pathAndText.IndexOf(' ');
        string path = pathAndText[..space], text = pathAndText[(space + 1)..];
        return received.Any(r => r.Path == path && r.Body.Contains(text, StringComparison.Ordinal));
    }

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            received.Enqueue((context.Request.Url!.AbsolutePath, Encoding.UTF8.GetString(body.ToArray())));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
