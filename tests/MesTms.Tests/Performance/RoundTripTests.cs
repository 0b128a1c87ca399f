using System.Collections.Concurrent;
using System.Diagnostics;
using MesTms.LocalHost.Emulators;
using MesTms.Tests.Fixtures;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MesTms.Tests.Performance;

/// <summary>
/// What one order costs from the accepted completion to its booking, shipped alone with carriers answering at once: the
/// Durable activities (from Durable Task's own trace spans) and the Cosmos requests, the carrier's answer included.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class RoundTripTests(EmulatorFixture emulators, ITestOutputHelper output)
{
    /// <remarks>
    /// Before (c63197d): 7 activities, 32 requests with the dock model, the completion read back from the events container; 5 activities
    /// before the first tender went out from the rating activity and the ready step rated; 3 (11 and 15 requests) before a carrier
    /// answering in the tender call was booked in that same activity.
    /// </remarks>
    [Theory]
    [InlineData(false, 2, 11)]
    [InlineData(true, 2, 15)]
    public async Task An_order_shipped_alone_is_booked_in_few_activities_and_storage_round_trips(bool docks, int activities, int requests)
    {
        var cosmos = new CosmosRequestLog();
        Dictionary<string, string?> settings = TestApp.WithCarriers(new() { ["MesTms:Carriers:Simulation:DelayMilliseconds"] = "0" });
        if (!docks)
        {
            settings["MesTms:Docks:ModelPath"] = "";
        }

        await using TestApp app = await TestApp.StartAsync(emulators, settings: settings, services: s => s.AddSingleton<RequestHandler>(cosmos));
        using var durable = new DurableSpans();
        using var perOrder = new PerOrderMetrics();

        // A first order warms the app (containers, the plant's dock day, carrier performance): the second one is measured.
        string warmUp = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(warmUp)));
        await app.WaitForShipmentAsync(warmUp, ShipmentStatus.Booked, s => !docks || s.DockAppointment is { Status: "Booked" });
        await Task.Delay(500);

        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        cosmos.Clear();
        durable.Clear();
        perOrder.Clear();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        IReadOnlyList<string> webhook = cosmos.Requests;
        await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => !docks || s.DockAppointment is { Status: "Booked" });
        await Task.Delay(1000);
        // The test's own polling of GET /api/shipments/{orderId} (a query) is not the order's cost.
        IReadOnlyList<string> workflow = cosmos.Requests.Skip(webhook.Count).Where(r => r != "POST query shipments 200").ToList();

        output.WriteLine($"webhook: {webhook.Count} Cosmos request(s): {string.Join("; ", webhook)}");
        output.WriteLine($"workflow: {workflow.Count} Cosmos request(s): {string.Join("; ", workflow)}");
        output.WriteLine($"Durable work items: {durable.Activities.Count} activities ({string.Join(", ", durable.Activities)})");
        output.WriteLine($"the app's own per-order metrics: {string.Join("; ", perOrder.Seen)}");
        Assert.InRange(durable.Activities.Count, 1, activities);
        Assert.InRange(workflow.Count, 1, requests);
        // The app reports the same through its own meter, counted in the order's one trace (webhook write included, the door after booking not).
        Assert.Contains($"mestms.shipment.durable_activities={durable.Activities.Count}", perOrder.Seen);
        Assert.Contains(perOrder.Seen, m => m.StartsWith("mestms.shipment.cosmos_requests=", StringComparison.Ordinal)
            && int.Parse(m.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture) is var n && n >= 5 && n <= webhook.Count + workflow.Count);
        Assert.Contains(perOrder.Seen, m => m.StartsWith("mestms.shipment.time_to_booked=", StringComparison.Ordinal));
        Assert.Single(webhook, r => r.Contains(" events ", StringComparison.Ordinal) && !r.StartsWith("GET", StringComparison.Ordinal));
    }
}

/// <summary>Listens to Durable Task's own trace spans ("Microsoft.DurableTask") and notes the activities run.</summary>
public sealed class DurableSpans : IDisposable
{
    readonly ActivityListener listener;
    readonly ConcurrentQueue<string> activities = new();


    public DurableSpans()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.DurableTask",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.Kind == ActivityKind.Server && span.OperationName.StartsWith("activity:", StringComparison.Ordinal))
                {
                    activities.Enqueue(span.OperationName["activity:".Length..]);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    public IReadOnlyList<string> Activities => [.. activities];

    public void Clear()
    {
        activities.Clear();
    }

    public void Dispose() => listener.Dispose();
}

/// <summary>What the app reports per order through its meter (<c>mestms.shipment.*</c>).</summary>
public sealed class PerOrderMetrics : IDisposable
{
    readonly System.Diagnostics.Metrics.MeterListener listener = new();
    readonly ConcurrentQueue<string> seen = new();

    public PerOrderMetrics()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MesTms.Pipeline.Telemetry.MesTmsTelemetry.Name && instrument.Name.StartsWith("mestms.shipment.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen.Enqueue($"{instrument.Name}={value}"));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => seen.Enqueue($"{instrument.Name}={value:0.###}"));
        listener.Start();
    }

    public IReadOnlyList<string> Seen => [.. seen];

    public void Clear() => seen.Clear();

    public void Dispose() => listener.Dispose();
}
