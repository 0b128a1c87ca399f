using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Simulation.Replay;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Time;

namespace MesTms.LocalHost.Simulate;

/// <summary>One order where the live pipeline decided otherwise than the replay.</summary>
public sealed record LiveDifference(string OrderId, string What, string Replay, string Live);

/// <summary>
/// <c>simulate --live URL [--speed N]</c>: publishes the scenario to a running bridge through <see cref="EventGridPublisherClient"/>,
/// its business times shifted onto the bridge's own clock (which may run N times faster: <c>LocalHost:ClockSpeed</c>; every
/// duration is kept), each event sent when that clock reaches it, waits for the shipments, and compares what the live pipeline decided
/// with the event-driven replay of the very same shifted events: status, carrier, which orders share a truck, and the
/// door and appointment within one slot. Order ids get a run suffix so a scenario can be replayed into a bridge again.
/// </summary>
public static class LiveComparison
{
    /// <summary>Exit code when the live pipeline and the replay disagree somewhere (the differences are printed).</summary>
    public const int Disagree = 3;

    static readonly string[] MomentFields = ["completedAt", "placedAt", "releasedAt", "expectedCompletionAt"];

    public static async Task<int> RunAsync(Scenario scenario, ReplaySettings settings, Uri bridge, string key, double? speed, TimeSpan wait,
        TextWriter output, TimeProvider clock, string? runTag = null, CancellationToken cancellationToken = default)
    {
        string tag = runTag ?? "R" + clock.GetUtcNow().ToString("HHmmssff", CultureInfo.InvariantCulture);
        for (int i = 0; i < scenario.Raw.Count; i++)
        {
            if (JsonNode.Parse(scenario.Raw[i]) is not JsonObject { } e || e["specversion"] is null)
            {
                throw new ScenarioException($"--live publishes CloudEvents; event {scenario.Events[i].Event.Id} is in the Event Grid schema. Replay it without --live, or convert it.");
            }
        }

        // One timeline: the bridge's own clock. The day is shifted onto it (durations kept) and each event is published when
        // the bridge's clock reaches its moment, so the live workflows' reviews, tender windows and carriers run on the same
        // time as the replay's.
        using var http = new HttpClient { BaseAddress = bridge, Timeout = TimeSpan.FromSeconds(30) };
        WorkflowClock host = await HostClockAsync(http, speed, clock, cancellationToken);
        DateTimeOffset origin = scenario.Events[0].At, start = host.ToApp(clock.GetUtcNow().AddSeconds(3));
        DateTimeOffset Map(DateTimeOffset at) => start + (at - origin);

        var shifted = new JsonArray(scenario.Raw.Select(raw => (JsonNode)Shift(JsonNode.Parse(raw)!.AsObject(), Map, tag)).ToArray());
        Scenario live = ScenarioFile.Parse($"{scenario.Path} (shifted onto the bridge's clock, ×{host.Speed})", Encoding.UTF8.GetBytes(shifted.ToJsonString()));
        // The live bridge dates its decisions by the facts' own times (completedAt, placedAt...: MesTms:Shipment:HandlingAllowance), as the replay does when it learns of an event at once.
        settings = settings with { EventLatency = TimeSpan.Zero };
        ReplayRun expected = PlantDayReplay.Run(live.Events, settings, PlanningPolicy.EventDriven, new RateShopper(settings.Contracts));

        await output.WriteLineAsync($"Publishing {live.Events.Count} events to {bridge} on its clock (×{host.Speed}: {(live.Events[^1].At - live.Events[0].At).TotalSeconds / host.Speed:0} s), order ids suffixed -{tag}...");
        var publisher = new EventGridPublisherClient(new Uri(bridge, "api/events/mes"), new AzureKeyCredential(key));
        for (int i = 0; i < live.Events.Count; i++)
        {
            TimeSpan due = host.ToReal(live.Events[i].At) - clock.GetUtcNow();
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, clock, cancellationToken);
            }

            await publisher.SendEventAsync(CloudEvent.Parse(BinaryData.FromString(live.Raw[i]))!, cancellationToken);
        }

        // The replay may book an order days later (a load waiting for its cut-off): the bridge's clock must get there too.
        DateTimeOffset lastBooking = expected.Orders.Select(o => o.BookedAt ?? o.KnownAt).Append(live.Events[^1].At).Max();
        DateTimeOffset deadline = (host.ToReal(lastBooking) > clock.GetUtcNow() ? host.ToReal(lastBooking) : clock.GetUtcNow()) + wait;
        await output.WriteLineAsync($"Published; waiting for the shipments until the bridge's clock passes the replay's last booking ({lastBooking:u}), " +
            $"then up to {wait.TotalMinutes:0.#} min (at most {(deadline - clock.GetUtcNow()).TotalMinutes:0.#} min)...");
        Dictionary<string, JsonNode> shipments = await WaitForAsync(http, expected, deadline, clock, cancellationToken);
        List<LiveDifference> differences = Compare(expected, shipments, settings);

        await output.WriteLineAsync($"{expected.Orders.Count} orders: {expected.Orders.Count - differences.Select(d => d.OrderId).Distinct().Count()} decided alike by the live pipeline and the replay.");
        foreach (LiveDifference d in differences)
        {
            await output.WriteLineAsync($"  {d.OrderId}: {d.What}: replay {d.Replay}, live {d.Live}");
        }

        return differences.Count == 0 ? 0 : Disagree;
    }

    /// <summary>
    /// The bridge's clock (<c>GET /api/clock</c>) as a mapping from this machine's real time. A speed given with
    /// <c>--speed</c> must be the bridge's: otherwise the user is told how to start it.
    /// </summary>
    static async Task<WorkflowClock> HostClockAsync(HttpClient http, double? speed, TimeProvider clock, CancellationToken cancellationToken)
    {
        DateTimeOffset asked = clock.GetUtcNow();
        using HttpResponseMessage response = await http.GetAsync("api/clock", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ScenarioException("the bridge does not tell its clock (GET /api/clock): update it to compare live decisions with the replay.");
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new ScenarioException("the bridge requires the planner key to read its clock and shipments: compare against a local host without keys.");
        }

        response.EnsureSuccessStatusCode();
        DateTimeOffset answered = clock.GetUtcNow();
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        DateTimeOffset now;
        double hostSpeed;
        try
        {
            JsonNode view = JsonNode.Parse(body) ?? throw new FormatException("empty");
            now = view["now"]?.GetValue<DateTimeOffset>() ?? throw new FormatException("no 'now'");
            hostSpeed = view["speed"]?.GetValue<double>() ?? throw new FormatException("no 'speed'");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            throw new ScenarioException($"{http.BaseAddress} answered GET /api/clock with something that is not the bridge's clock ({e.Message}): is it the bridge?");
        }

        if (!double.IsFinite(hostSpeed) || hostSpeed < 1)
        {
            throw new ScenarioException($"the bridge reports a clock speed of {hostSpeed.ToString(CultureInfo.InvariantCulture)}, which cannot be replayed against.");
        }
        if (speed is { } wanted && Math.Abs(wanted - hostSpeed) > 1e-9)
        {
            throw new ScenarioException($"the bridge's clock runs at ×{hostSpeed.ToString(CultureInfo.InvariantCulture)}, not ×{wanted.ToString(CultureInfo.InvariantCulture)}: " +
                $"start the local host with --LocalHost:ClockSpeed {wanted.ToString(CultureInfo.InvariantCulture)}, or leave out --speed to play at the bridge's speed, " +
                "so the replay and the live bridge share one timeline.");
        }

        return new WorkflowClock(asked + ((answered - asked) / 2), now, hostSpeed);
    }

    /// <summary>Moments move to the live timeline; a required delivery keeps its distance from the order's completion (or forecast).</summary>
    static JsonObject Shift(JsonObject e, Func<DateTimeOffset, DateTimeOffset> map, string tag)
    {
        e["id"] = $"{e["id"]?.GetValue<string>()}-{tag}";
        if (e["time"]?.GetValue<string>() is { } time)
        {
            e["time"] = Format(map(Parse(time)));
        }

        if (e["subject"]?.GetValue<string>() is { } subject)
        {
            e["subject"] = $"{subject}-{tag}";
        }

        if (e["data"] is JsonObject data)
        {
            data["orderId"] = $"{data["orderId"]?.GetValue<string>()}-{tag}";
            DateTimeOffset? anchor = null;
            foreach (string field in MomentFields)
            {
                if (data[field]?.GetValue<string>() is { } moment)
                {
                    DateTimeOffset at = Parse(moment);
                    anchor ??= at;
                    data[field] = Format(map(at));
                }
            }

            if (data["requiredDeliveryBy"]?.GetValue<string>() is { } due && anchor is { } from)
            {
                data["requiredDeliveryBy"] = Format(map(from) + (Parse(due) - from));
            }
        }

        return e;
    }

    static async Task<Dictionary<string, JsonNode>> WaitForAsync(HttpClient http, ReplayRun expected, DateTimeOffset deadline, TimeProvider clock, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        while (true)
        {
            bool settled = true;
            foreach (OrderOutcome order in expected.Orders)
            {
                JsonNode? shipment = await GetAsync(http, order.PlantId, order.OrderId, cancellationToken);
                if (shipment is not null)
                {
                    seen[order.OrderId] = shipment;
                }

                string? status = Booked(shipment?["status"]?.GetValue<string>());
                bool booked = status == nameof(ShipmentStatus.Booked) && (shipment!["dockAppointment"] is not null || order.DoorId is null);
                settled &= status == order.Status.ToString() && (order.Status != ShipmentStatus.Booked || booked);
            }

            if (settled || clock.GetUtcNow() > deadline)
            {
                return seen;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
        }
    }

    /// <summary>The replay ends at booking: freight the live carriers already picked up or delivered counts as booked.</summary>
    static string? Booked(string? status) =>
        status is nameof(ShipmentStatus.InTransit) or nameof(ShipmentStatus.Delivered) ? nameof(ShipmentStatus.Booked) : status;

    static async Task<JsonNode?> GetAsync(HttpClient http, string plantId, string orderId, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.GetAsync($"api/shipments/{Uri.EscapeDataString(orderId)}?plantId={Uri.EscapeDataString(plantId)}", cancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) : null;
    }

    static List<LiveDifference> Compare(ReplayRun expected, Dictionary<string, JsonNode> shipments, ReplaySettings settings)
    {
        var differences = new List<LiveDifference>();
        Dictionary<string, string> truckOf = expected.Orders.Where(o => o.TruckId is not null).ToDictionary(o => o.OrderId, o => o.TruckId!);
        foreach (OrderOutcome order in expected.Orders)
        {
            if (!shipments.TryGetValue(order.OrderId, out JsonNode? shipment))
            {
                differences.Add(new LiveDifference(order.OrderId, "shipment", order.Status.ToString(), "none recorded"));
                continue;
            }

            string status = Booked(shipment["status"]?.GetValue<string>()) ?? "none";
            if (status != order.Status.ToString())
            {
                differences.Add(new LiveDifference(order.OrderId, "status", order.Status.ToString(), status));
                continue;
            }

            if (order.Status != ShipmentStatus.Booked)
            {
                continue;
            }

            // Orders sharing the replay's truck must share the live load (or both ship alone).
            string? liveLoad = shipment["loadId"]?.GetValue<string>();
            string[] replayMates = truckOf.Where(t => t.Value == order.TruckId && t.Key != order.OrderId).Select(t => t.Key).Order(StringComparer.Ordinal).ToArray();
            string[] liveMates = liveLoad is null ? [] : shipments.Where(s => s.Key != order.OrderId && s.Value["loadId"]?.GetValue<string>() == liveLoad)
                .Select(s => s.Key).Order(StringComparer.Ordinal).ToArray();
            if (!replayMates.SequenceEqual(liveMates))
            {
                differences.Add(new LiveDifference(order.OrderId, "shares a truck with", Names(replayMates), Names(liveMates)));
            }

            string? scac = shipment["booking"]?["scac"]?.GetValue<string>();
            if (scac != order.Scac)
            {
                differences.Add(new LiveDifference(order.OrderId, "carrier", order.Scac ?? "none", scac ?? "none"));
            }

            (string? door, DateTimeOffset? liveStart) = DoorAtBooking(shipment);
            (string? replayDoor, DateTimeOffset? replayStart) = ReplayDoorAtBooking(order);
            PlantDockModel? model = settings.Docks.FirstOrDefault(d => d.PlantId == order.PlantId);
            TimeSpan slot = model?.Slot ?? TimeSpan.FromMinutes(30);
            bool sameSlot = liveStart is { } s && replayStart is { } r ? (s - r).Duration() <= slot : liveStart is null && replayStart is null;
            // Bookings answered in the same instant may take the doors of one slot in either order: a swap among them is no difference.
            bool swapped = door != replayDoor && sameSlot && liveStart is { } at
                && DoorsAt(shipments.Values.Select(DoorAtBooking).Where(a => a.Start == at).Select(a => a.DoorId))
                    .SetEquals(DoorsAt(expected.Orders.Select(ReplayDoorAtBooking).Where(a => a.Start == replayStart).Select(a => a.DoorId)));
            if (!sameSlot || (door != replayDoor && !swapped))
            {
                differences.Add(new LiveDifference(order.OrderId, "door", $"{replayDoor ?? "none"} {replayStart:HH:mm}", $"{door ?? "none"} {liveStart:HH:mm}"));
            }
        }

        return differences;
    }

    /// <summary>
    /// The door and start the booking reserved: the booked tender's first dock decision (<see cref="BookedDoorDecisionKey"/>),
    /// not where a late truck moved it later. The replay ends at booking and its trucks are the replay's own draws, so
    /// what a live simulated carrier's lateness did to the door afterwards is the outside world, not a decision to compare.
    /// Without such a decision (docks off) the current appointment is the booked one.
    /// </summary>
    static (string? DoorId, DateTimeOffset? Start) DoorAtBooking(JsonNode shipment)
    {
        if (shipment["booking"]?["tenderId"]?.GetValue<string>() is { } tenderId && shipment["decisions"] is JsonArray decisions)
        {
            foreach (JsonNode? decision in decisions)
            {
                if (decision?["key"]?.GetValue<string>() is { } key && BookedDoorDecisionKey.TryRead(key, tenderId, out string? door, out DateTimeOffset? start))
                {
                    return (door, start);
                }
            }
        }

        JsonNode? appointment = shipment["dockAppointment"];
        return (appointment?["doorId"]?.GetValue<string>(), appointment?["start"]?.GetValue<DateTimeOffset>());
    }

    /// <summary>The replay's door at booking (where it loaded, when no late truck moved it).</summary>
    static (string? DoorId, DateTimeOffset? Start) ReplayDoorAtBooking(OrderOutcome order) =>
        order.DoorAtBooking is { } booked ? (booked.DoorId, booked.Start) : (order.DoorId, order.LoadingStartsAt);

    static HashSet<string> DoorsAt(IEnumerable<string?> doors) => doors.OfType<string>().ToHashSet(StringComparer.Ordinal);

    static string Names(string[] orders) => orders.Length == 0 ? "(alone)" : string.Join(", ", orders);

    static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
