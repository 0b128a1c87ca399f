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
    /// <remarks>Before the shipment aggregate kept its versions: 7 activities; 32 requests with the dock model, 4 writes and 3 reads of the events container in the webhook and registration.</remarks>
    [Theory]
    [InlineData(false, 8, 12)]
    [InlineData(true, 8, 16)]
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

        // A first order warms the app (containers, the plant's dock day, carrier performance): the second one is measured.
        string warmUp = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(warmUp)));
        await app.WaitForShipmentAsync(warmUp, ShipmentStatus.Booked, s => !docks || s.DockAppointment is { Status: "Booked" });
        await Task.Delay(500);

        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        cosmos.Clear();
        durable.Clear();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        IReadOnlyList<string> webhook = cosmos.Requests;
        await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => !docks || s.DockAppointment is { Status: "Booked" });
        await Task.Delay(1000);
        // The test's own polling of GET /api/shipments/{orderId} (a query) is not the order's cost.
        IReadOnlyList<string> workflow = cosmos.Requests.Skip(webhook.Count).Where(r => r != "POST query shipments 200").ToList();

        output.WriteLine($"webhook: {webhook.Count} Cosmos request(s): {string.Join("; ", webhook)}");
        output.WriteLine($"workflow: {workflow.Count} Cosmos request(s): {string.Join("; ", workflow)}");
        output.WriteLine($"Durable work items: {durable.Activities.Count} activities ({string.Join(", ", durable.Activities)})");
        Assert.InRange(durable.Activities.Count, 1, activities);
        Assert.InRange(workflow.Count, 1, requests);
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
