using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Diagnostics;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Telemetry;

/// <summary>
/// The bridge's own OpenTelemetry signals (System.Diagnostics: any exporter the host configures picks them up).
/// Metrics: Cosmos requests and request charge (by container, operation and status), per order the Cosmos requests and
/// Durable activities from completion to booking, and the time from completion to the first action and to the booking.
/// Traces: Durable Task's own spans ("Microsoft.DurableTask") carry one trace per order from the webhook on; the
/// webhook, the Cosmos requests and the carrier calls join it.
/// </summary>
public static class MesTmsTelemetry
{
    public const string Name = "MesTms";

    /// <summary>Durable Task's own trace source: orchestrations, activities and raised events.</summary>
    public const string DurableTaskSource = "Microsoft.DurableTask";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> CosmosRequests = Meter.CreateCounter<long>("mestms.cosmos.requests", "{request}",
        "Cosmos DB requests, by container, operation and status code");

    public static readonly Counter<double> CosmosRequestCharge = Meter.CreateCounter<double>("mestms.cosmos.request_charge", "RU",
        "Cosmos DB request units charged, by container and operation");

    public static readonly Histogram<double> TimeToFirstAction = Meter.CreateHistogram<double>("mestms.shipment.time_to_first_action", "s",
        "From the completion accepted by the webhook to the shipment recorded");

    public static readonly Histogram<double> TimeToBooked = Meter.CreateHistogram<double>("mestms.shipment.time_to_booked", "s",
        "From the completion accepted by the webhook to the carrier's booking");

    public static readonly Histogram<long> CosmosRequestsPerOrder = Meter.CreateHistogram<long>("mestms.shipment.cosmos_requests", "{request}",
        "Cosmos DB requests in an order's trace from the completion to its booking (this process's share)");

    public static readonly Histogram<double> RequestChargePerOrder = Meter.CreateHistogram<double>("mestms.shipment.request_charge", "RU",
        "Cosmos DB request units in an order's trace from the completion to its booking (this process's share)");

    public static readonly Histogram<long> ActivitiesPerOrder = Meter.CreateHistogram<long>("mestms.shipment.durable_activities", "{activity}",
        "Durable activities run in an order's trace from the completion to its booking (this process's share)");

    static readonly ConcurrentDictionary<ActivityTraceId, TraceCost> Costs = new();

    /// <summary>Traces whose cost is kept at most (the oldest are dropped when full: an order that is never booked).</summary>
    const int TracesKept = 20_000;

    internal static void CountCosmos(double requestCharge)
    {
        if (Activity.Current is { } span && span.TraceId != default)
        {
            TraceCost cost = CostOf(span.TraceId);
            Interlocked.Increment(ref cost.Requests);
            cost.AddCharge(requestCharge);
        }
    }

    /// <summary>Counts a Durable activity that ran in the current trace.</summary>
    public static void CountActivity()
    {
        if (Activity.Current is { } span && span.TraceId != default)
        {
            Interlocked.Increment(ref CostOf(span.TraceId).Activities);
        }
    }

    /// <summary>Records what the current trace (one order) cost up to its booking, and forgets it.</summary>
    public static void RecordBooked(DateTimeOffset? acceptedAt, DateTimeOffset bookedAt)
    {
        if (acceptedAt is { } accepted)
        {
            TimeToBooked.Record(Math.Max(0, (bookedAt - accepted).TotalSeconds));
        }

        if (Activity.Current is { } span && Costs.TryRemove(span.TraceId, out TraceCost? cost))
        {
            CosmosRequestsPerOrder.Record(Volatile.Read(ref cost.Requests));
            RequestChargePerOrder.Record(cost.Charge);
            ActivitiesPerOrder.Record(Volatile.Read(ref cost.Activities));
        }
    }

    static TraceCost CostOf(ActivityTraceId trace)
    {
        if (Costs.Count >= TracesKept)
        {
            Costs.Clear();
        }

        return Costs.GetOrAdd(trace, _ => new TraceCost());
    }

    sealed class TraceCost
    {
        public long Requests;
        public long Activities;
        double charge;

        public double Charge => Volatile.Read(ref charge);

        public void AddCharge(double value)
        {
            double seen, next;
            do
            {
                seen = Volatile.Read(ref charge);
                next = seen + value;
            }
            while (Interlocked.CompareExchange(ref charge, next, seen) != seen);
        }
    }
}

/// <summary>Counts every Cosmos request (and its request charge) into <see cref="MesTmsTelemetry"/>, attributed to the current trace.</summary>
public sealed class CosmosTelemetryHandler : RequestHandler
{
    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        ResponseMessage response = await base.SendAsync(request, cancellationToken);
        string container = ContainerOf(request);
        string operation = request.Method.Method;
        double charge = response.Headers.RequestCharge;
        var tags = new TagList { { "db.cosmosdb.container", container }, { "db.operation", operation }, { "db.response.status_code", (int)response.StatusCode } };
        MesTmsTelemetry.CosmosRequests.Add(1, tags);
        MesTmsTelemetry.CosmosRequestCharge.Add(charge, new TagList { { "db.cosmosdb.container", container }, { "db.operation", operation } });
        MesTmsTelemetry.CountCosmos(charge);
        return response;
    }

    /// <summary>The container a request addresses (<c>/dbs/{db}/colls/{container}/…</c>), or <c>(account)</c>.</summary>
    public static string ContainerOf(RequestMessage request)
    {
        string path = request.RequestUri?.OriginalString ?? "";
        int colls = path.IndexOf("/colls/", StringComparison.Ordinal);
        return colls < 0 ? "(account)" : path[(colls + 7)..].Split('/')[0];
    }
}

/// <summary>Counts the Durable activities that start in each order's trace (from Durable Task's own spans); started once per process.</summary>
public static class DurableActivityCounter
{
    static ActivityListener? listener;

    public static void Start()
    {
        if (Volatile.Read(ref listener) is not null)
        {
            return;
        }

        var created = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MesTmsTelemetry.DurableTaskSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = span =>
            {
                if (span.Kind == ActivityKind.Server && span.OperationName.StartsWith("activity:", StringComparison.Ordinal))
                {
                    MesTmsTelemetry.CountActivity();
                }
            },
        };
        if (Interlocked.CompareExchange(ref listener, created, null) is null)
        {
            ActivitySource.AddActivityListener(created);
        }
        else
        {
            created.Dispose();
        }
    }
}
