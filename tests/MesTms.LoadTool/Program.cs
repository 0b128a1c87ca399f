using MesTms.Domain.Shipments;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using MesTms.Pipeline.Storage;

// dotnet run --project tests/MesTms.LoadTool -c Release -- [--url http://127.0.0.1:7071] [--events 1000] [--batch 50] [--parallel 4] [--rate events/s]
//     [--due-days 7] [--redeliver 0.3] [--wait-minutes 10] [--until ready|booked] [--poll-seconds 2]
// Publishes N distinct production-completed events (in Event Grid batches) to a running bridge — with --redeliver F, also
// F × N redeliveries of random events among them, everything shuffled, as Event Grid's at-least-once delivery would — waits until every
// shipment has been recorded ready to ship (readyAt), and prints the latency from "event accepted" (the shipment's acceptedAt) to
// "shipment document written" (createdAt) and to "ready to ship" (readyAt), as median / p99 / max. With --until booked it
// waits until every shipment is booked (run the host with consolidation off and carriers that accept) and reports the
// latency from "event accepted" to "booked" (booking.bookedAt) and the throughput from the first acceptance to the last booking.
var options = LoadOptions.Parse(args);
using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };
var publisher = new EventGridPublisherClient(new Uri(options.Url, "api/events/mes"), new AzureKeyCredential(options.Key));
string run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + Random.Shared.Next(100, 999);
List<string> orders = Enumerable.Range(0, options.Events).Select(i => $"LT-{run}-{i:00000}").ToList();
var shuffle = new Random(options.Events);
List<CloudEvent> originals = orders.Select(o => CompletedEvent(options.Plant, o, options.DueDays)).ToList();
List<CloudEvent> deliveries = [.. originals, .. Enumerable.Range(0, (int)Math.Round(options.Redeliver * options.Events)).Select(_ => originals[shuffle.Next(originals.Count)])];
if (options.Redeliver > 0)
{
    deliveries = [.. deliveries.OrderBy(_ => shuffle.Next())];
    Console.WriteLine($"{deliveries.Count - originals.Count} redeliveries mixed in, shuffled");
}

Console.WriteLine(options.Rate is { } r
    ? $"Publishing {options.Events} events to {options.Url} in batches of {options.Batch} at {r} events/s..."
    : $"Publishing {options.Events} events to {options.Url} in batches of {options.Batch}, {options.Parallel} at a time...");
var wall = Stopwatch.StartNew();
if (options.Rate is { } rate)
{
    // Steady load: one batch every batch/rate seconds, each sent without waiting for the previous one.
    TimeSpan interval = TimeSpan.FromSeconds(options.Batch / rate);
    var sends = new List<Task>();
    int sent = 0;
    foreach (CloudEvent[] chunk in deliveries.Chunk(options.Batch))
    {
        TimeSpan due = interval * sent++;
        if (due > wall.Elapsed)
        {
            await Task.Delay(due - wall.Elapsed);
        }

        sends.Add(publisher.SendEventsAsync(chunk));
    }

    await Task.WhenAll(sends);
}
else
{
    await Parallel.ForEachAsync(deliveries.Chunk(options.Batch), new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (chunk, ct) =>
        await publisher.SendEventsAsync(chunk, ct));
}

TimeSpan published = wall.Elapsed;
Console.WriteLine($"Published in {published.TotalSeconds:0.0} s; waiting for shipments...");

var done = new Dictionary<string, Shipment>();
DateTime deadline = DateTime.UtcNow.AddMinutes(options.WaitMinutes);
while (done.Count < orders.Count && DateTime.UtcNow < deadline)
{
    List<string> pending = orders.Where(o => !done.ContainsKey(o)).ToList();
    // The latencies come from the documents' own timestamps, so the poll only has to notice completion: it asks gently
    // (4 at a time, then a pause) so that watching the run does not take the host's CPU from the run it watches.
    await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (order, ct) =>
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync($"api/shipments/{order}?plantId={options.Plant}", ct);
        }
        catch (HttpRequestException)
        {
            return; // the host is restarting (e.g. a kill test): ask again on the next pass
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            Shipment? doc = await response.Content.ReadFromJsonAsync<Shipment>(CosmosStore.Json, ct);
            if (options.UntilBooked ? doc?.Booking is not null : doc?.ReadyAt is not null)
            {
                lock (done)
                {
                    done[order] = doc;
                }
            }
        }
    });
    if (done.Count < orders.Count)
    {
        await Task.Delay(options.Poll);
    }
}

Console.WriteLine($"{done.Count} of {orders.Count} shipments {(options.UntilBooked ? "booked" : "ready")}; wall time {wall.Elapsed.TotalSeconds:0.0} s");
// One workflow per order, even with redeliveries: each shipment was registered once, from its order's one event.
int twice = done.Values.Count(d => d.Decisions.Count(x => x.Key == "received") != 1);
Dictionary<string, string> eventOf = originals.ToDictionary(e => e.Subject!["orders/".Length..], e => e.Id);
int foreign = done.Values.Count(d => d.SourceEventId != eventOf[d.OrderId]);
Console.WriteLine($"one shipment per order: {done.Count - twice - foreign} of {done.Count} ({twice} registered more than once, {foreign} from another event)");
if (done.Count == 0)
{
    return 1;
}

double[] written = done.Values.Select(d => (d.CreatedAt - d.AcceptedAt!.Value).TotalMilliseconds).Order().ToArray();
double[] ready = done.Values.Select(d => (d.ReadyAt!.Value - d.AcceptedAt!.Value).TotalMilliseconds).Order().ToArray();
DateTimeOffset first = done.Values.Min(d => d.AcceptedAt!.Value);
DateTimeOffset last = done.Values.Max(d => d.ReadyAt!.Value);
Console.WriteLine($"accepted -> shipment document written: median {Percentile(written, 50):0} ms, p99 {Percentile(written, 99):0} ms, max {written[^1]:0} ms");
Console.WriteLine($"accepted -> ready to ship recorded:    median {Percentile(ready, 50):0} ms, p99 {Percentile(ready, 99):0} ms, max {ready[^1]:0} ms");
Console.WriteLine($"throughput: {done.Count / (last - first).TotalSeconds:0.0} shipments/s (first acceptance to last ready)");
if (options.UntilBooked)
{
    // Handling latency: when the bridge recorded the booking (a booking is dated by the carrier's answer, which an
    // older bridge did not tell apart).
    double[] bookedNow = done.Values.Select(d => ((d.Booking!.RecordedAt ?? d.Booking.BookedAt) - d.AcceptedAt!.Value).TotalMilliseconds).Order().ToArray();
    DateTimeOffset lastBooked = done.Values.Max(d => d.Booking!.RecordedAt ?? d.Booking.BookedAt);
    Console.WriteLine($"accepted -> booked:                   median {Percentile(bookedNow, 50):0} ms, p99 {Percentile(bookedNow, 99):0} ms, max {bookedNow[^1]:0} ms");
    Console.WriteLine($"throughput: {done.Count / (lastBooked - first).TotalSeconds:0.0} bookings/s (first acceptance to last booking)");
    return done.Count == orders.Count ? 0 : 2;
}

// Where the orders stand a few seconds after the last one was ready (booked alone or on a load, still waiting for
// freight, exhausted...), and accepted -> booked for those booked by then.
await Task.Delay(TimeSpan.FromSeconds(5));
var now = new System.Collections.Concurrent.ConcurrentBag<Shipment>();
await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (order, ct) =>
{
    if (await http.GetFromJsonAsync<Shipment>($"api/shipments/{order}?plantId={options.Plant}", CosmosStore.Json, ct) is { } doc)
    {
        now.Add(doc);
    }
});
Console.WriteLine("statuses now: " + string.Join(", ", now.GroupBy(d => d.Status).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")));
double[] booked = now.Where(d => d.Booking is not null).Select(d => ((d.Booking!.RecordedAt ?? d.Booking.BookedAt) - d.AcceptedAt!.Value).TotalMilliseconds).Order().ToArray();
if (booked.Length > 0)
{
    Console.WriteLine($"accepted -> booked ({booked.Length}):        median {Percentile(booked, 50):0} ms, p99 {Percentile(booked, 99):0} ms, max {booked[^1]:0} ms");
}

return done.Count == orders.Count ? 0 : 2;

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

static CloudEvent CompletedEvent(string plant, string order, int dueDays)
{
    var data = new
    {
        plantId = plant,
        lineId = "L1",
        orderId = order,
        completedAt = DateTimeOffset.UtcNow,
        handlingUnits = new[] { new { count = 12, length = 48, width = 40, height = 50, dimensionUnit = "in", weight = 900, weightUnit = "lb", stackable = true } },
        hazmat = (object?)null,
        temperature = (object?)null,
        destination = new { locationId = "DC-DAL-02", postalCode = "75241", country = "US" },
        requiredDeliveryBy = DateTimeOffset.UtcNow.AddDays(dueDays),
    };
    return new CloudEvent($"/plants/{plant}/lines/L1", "mes.production.completed.v1", data, typeof(object))
    {
        Id = Guid.NewGuid().ToString(),
        Subject = $"orders/{order}",
        Time = DateTimeOffset.UtcNow,
    };
}

sealed record LoadOptions(Uri Url, int Events, int Batch, int Parallel, string Plant, string Key, double? Rate = null, int DueDays = 7, double Redeliver = 0,
    int WaitMinutes = 10, bool UntilBooked = false, TimeSpan? PollEvery = null)
{
    public TimeSpan Poll => PollEvery ?? TimeSpan.FromSeconds(2);

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions(new Uri("http://127.0.0.1:7071/"), 1000, 50, 4, "P900", "local");
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--url" => o with { Url = new Uri(value.EndsWith('/') ? value : value + "/") },
                "--events" => o with { Events = Positive(value, "--events") },
                "--batch" => o with { Batch = Positive(value, "--batch") },
                "--parallel" => o with { Parallel = Positive(value, "--parallel") },
                "--plant" => o with { Plant = value },
                "--key" => o with { Key = value },
                "--rate" => o with { Rate = Positive(value, "--rate") },
                "--due-days" => o with { DueDays = Positive(value, "--due-days") },
                "--redeliver" => o with { Redeliver = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is >= 0 and <= 10 ? f : throw new ArgumentException("--redeliver must be a fraction from 0 to 10") },
                "--wait-minutes" => o with { WaitMinutes = Positive(value, "--wait-minutes") },
                "--poll-seconds" => o with { PollEvery = TimeSpan.FromSeconds(Positive(value, "--poll-seconds")) },
                "--until" => o with { UntilBooked = value switch { "booked" => true, "ready" => false, _ => throw new ArgumentException("--until must be ready or booked") } },
                _ => throw new ArgumentException($"Unknown option {args[i]} (use --url, --events, --batch, --parallel, --rate, --plant, --key, --due-days, --redeliver, --wait-minutes, --until, --poll-seconds)"),
            };
            i++;
        }

        return o;
    }

    static int Positive(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive whole number");
}
