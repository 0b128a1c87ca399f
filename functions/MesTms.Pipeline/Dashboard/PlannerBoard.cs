using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MesTms.Domain;
using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Loads;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Events;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Dashboard;

/// <summary>Settings of the planners' dashboard, bound from <c>MesTms:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "MesTms:Dashboard";

    /// <summary>How often a live board looks for changes (it sends only when something changed).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A comment line keeps idle connections (and proxies) open.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    public IReadOnlyList<string> Validate() =>
        RefreshInterval < TimeSpan.FromMilliseconds(100) || RefreshInterval > TimeSpan.FromMinutes(1)
            ? [$"{Section}:RefreshInterval must be between 00:00:00.1 and 00:01:00."]
            : KeepAlive < TimeSpan.FromSeconds(1) ? [$"{Section}:KeepAlive must be at least 1 s."] : [];
}

/// <summary>Counts of the plant's shipments by status (orders, not load shipments).</summary>
public sealed record BoardCounts(int Orders, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>A load on the board: fill per dimension, carrier, door, and whether a planner may re-tender it.</summary>
public sealed record BoardLoad(
    string Id, string Kind, string Status, string DestinationGroup, string Equipment, IReadOnlyList<string> Orders,
    decimal Fill, decimal WeightFill, decimal CubeFill, decimal FloorFill, int FloorPositions, decimal WeightLb,
    DateTimeOffset? ShipBy, string? Carrier, decimal? Price, string? Door, DateTimeOffset? DoorFrom, DateTimeOffset UpdatedAt, bool CanRetender);

/// <summary>An order on quality hold: its holds, since when, and when planners are alerted.</summary>
public sealed record BoardHold(string OrderId, string PlantId, IReadOnlyList<QualityHold> Holds, DateTimeOffset? HeldSince, double HeldMinutes, DateTimeOffset? EscalatesAt);

/// <summary>A decision of the plant's workflows, newest first, with its reason.</summary>
public sealed record BoardDecision(string OrderId, bool IsLoad, DateTimeOffset At, string Status, string Decision, string Reason);

/// <summary>An order's shipment in one line.</summary>
public sealed record BoardShipment(
    string OrderId, string Status, string? LoadId, string? Carrier, decimal? Price, string? Door, DateTimeOffset? DoorFrom, DateTimeOffset? DoorTo,
    DateTimeOffset? RequiredDeliveryBy, DateTimeOffset UpdatedAt, bool CanRetender);

/// <summary>
/// Everything a planner watches for one plant and day on one screen: the door timeline, loads, holds, the latest
/// decisions, the plant's orders, rejected events and the notification feed.
/// </summary>
public sealed record PlantBoard(
    string PlantId, DateOnly Date, DateTimeOffset GeneratedAt, DockDayView? Docks, BoardCounts Counts, IReadOnlyList<BoardLoad> Loads,
    IReadOnlyList<BoardHold> Holds, IReadOnlyList<BoardDecision> Decisions, IReadOnlyList<BoardShipment> Shipments,
    IReadOnlyList<RejectedEventView> Rejected, IReadOnlyList<NotificationView> Notifications);

/// <summary>
/// The planners' board: <c>GET /api/plants/{plantId}/board?date=</c> answers it once; <c>…/board/stream</c> sends it as
/// server-sent events (<c>event: board</c>) whenever it changes, which the dashboard page renders with no reload.
/// </summary>
public sealed class PlannerBoard(CosmosStore store, DockApi docks, NotificationApi notifications, IMesEventStore events, ShipmentPolicy policy,
    DashboardOptions options, TimeProvider clock)
{
    public const int DecisionLimit = 60;
    public const int ShipmentLimit = 400;
    public const int FeedLimit = 40;

    static readonly IReadOnlyList<ApiQuery> DateQuery = [new ApiQuery("date", "yyyy-MM-dd (UTC); default: today.", Format: "date")];

    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetPlantBoard", "plants/{plantId}/board", call => call.Service<PlannerBoard>().GetAsync(call.Http, call.Route("plantId")))
            .Documented(new ApiDoc("Dashboard", "Get a plant's board",
                "Door timeline, loads with fill per dimension, orders on hold with their escalation deadline, the latest decisions with reasons, " +
                "the plant's orders, rejected events and the notification feed, for one plant and day.",
                [new ApiAnswer(200, "The board.", typeof(PlantBoard))]) { Query = DateQuery, Errors = [(400, "Bad plant id or date.")] }),
        ApiRoute.Get("StreamPlantBoard", "plants/{plantId}/board/stream", call => call.Service<PlannerBoard>().StreamAsync(call.Http, call.Route("plantId")))
            .Documented(new ApiDoc("Dashboard", "Follow a plant's board live",
                "Server-sent events: one 'board' event (the PlantBoard JSON) at once and again whenever the board changes; a comment line keeps the connection open.",
                [new ApiAnswer(200, "An endless text/event-stream of 'board' events.", typeof(PlantBoard), "text/event-stream")])
            {
                Query = DateQuery,
                Errors = [(400, "Bad plant id or date.")],
            }),
    ];

    public async Task<IResult> GetAsync(HttpContext http, string plantId) =>
        PlantDayQuery.Parse(http, plantId, clock) is (var day, null) ? HttpJson.Ok(await BuildAsync(plantId, day, http.RequestAborted)) : PlantDayQuery.Parse(http, plantId, clock).Refusal!;

    public Task<IResult> StreamAsync(HttpContext http, string plantId)
    {
        (DateOnly day, IResult? refusal) = PlantDayQuery.Parse(http, plantId, clock);
        return Task.FromResult(refusal ?? TypedResults.ServerSentEvents(Changes(plantId, day, http.RequestAborted)));
    }

    /// <summary>The board now, then again each time it differs (its content, not its timestamp); a comment when idle.</summary>
    async IAsyncEnumerable<SseItem<string>> Changes(string plantId, DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        DateTimeOffset lastSent = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            string? json = null;
            string? failure = null;
            try
            {
                PlantBoard board = await BuildAsync(plantId, day, cancellationToken);
                string content = JsonSerializer.Serialize(board with { GeneratedAt = default }, CosmosStore.Json);
                string version = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16];
                if (version != last)
                {
                    last = version;
                    json = JsonSerializer.Serialize(board, CosmosStore.Json);
                }
            }
            catch (Exception e) when (CosmosStore.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                failure = "The state store could not be reached; retrying.";
            }

            if (json is not null)
            {
                lastSent = clock.GetUtcNow();
                yield return new SseItem<string>(json, "board") { EventId = last };
            }
            else if (failure is not null)
            {
                yield return new SseItem<string>(JsonSerializer.Serialize(new { detail = failure }, CosmosStore.Json), "unavailable");
            }
            else if (clock.GetUtcNow() - lastSent >= options.KeepAlive)
            {
                lastSent = clock.GetUtcNow();
                yield return new SseItem<string>("{}", "keepalive");
            }

            try
            {
                await Task.Delay(options.RefreshInterval, cancellationToken); // a refresh: real time, however fast the app's clock runs
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    public async Task<PlantBoard> BuildAsync(string plantId, DateOnly day, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Task<DockDayView?> doorDay = docks.ViewAsync(plantId, day, cancellationToken);
        Task<List<Shipment>> shipmentsRead = QueryAsync<Shipment>(store.Shipments, plantId, cancellationToken);
        Task<List<Load>> loadsRead = QueryAsync<Load>(store.Loads, plantId, cancellationToken);
        Task<IReadOnlyList<NotificationView>> feed = notifications.LatestAsync(FeedLimit, cancellationToken);
        Task<IReadOnlyList<MesEventRecord>> rejected = events.ListRejectedAsync(now.AddDays(-7), 20, cancellationToken);
        await Task.WhenAll(doorDay, shipmentsRead, loadsRead, feed, rejected);

        List<Shipment> all = shipmentsRead.Result;
        Dictionary<string, Shipment> loadShipments = all.Where(s => s.IsLoad).ToDictionary(s => s.OrderId, StringComparer.Ordinal);
        List<Shipment> orders = all.Where(s => !s.IsLoad).ToList();

        List<BoardHold> holds = orders.Where(s => s.ActiveHolds.Count > 0).Select(s =>
        {
            DateTimeOffset? since = s.ActiveHolds.Min(h => h.PlacedAt);
            return new BoardHold(s.OrderId, s.PlantId, s.ActiveHolds, since, since is { } t ? Math.Round((now - t).TotalMinutes, 1) : 0,
                since + policy.HoldEscalationAfter);
        }).OrderBy(h => h.EscalatesAt).ToList();

        // The day's freight: what is still in play, what changed since the day before, and what has its door that day.
        bool DoorThatDay(Shipment? s) => s?.DockAppointment is { } door && DateOnly.FromDateTime(door.Start.UtcDateTime) == day;
        List<BoardLoad> loads = loadsRead.Result
            .Where(l => l.Kind == Load.OpenKind ? l.Orders.Count > 0 : l.UpdatedAt >= dayStart.AddDays(-1) || DoorThatDay(loadShipments.GetValueOrDefault(l.Id))
                || l.Status is not (LoadStatus.Booked or LoadStatus.Cancelled))
            .Select(l =>
            {
                Shipment? plan = loadShipments.GetValueOrDefault(l.Id);
                return new BoardLoad(l.Id, l.Kind == Load.OpenKind ? "open" : "closed", plan?.Status.ToString() ?? l.Status.ToString(), l.DestinationGroup, l.Equipment.ToString(),
                    l.Orders.Select(o => o.OrderId).ToList(), l.Fill, l.WeightFill, l.CubeFill, l.FloorFill, l.FloorPositions, l.WeightLb, l.ShipBy,
                    plan?.Booking?.Scac, plan?.Booking?.Price, plan?.DockAppointment?.DoorId, plan?.DockAppointment?.Start, l.UpdatedAt,
                    l.Kind == Load.LoadKind && plan is not null && MayRetender(plan));
            })
            .OrderBy(l => l.Kind == "open" ? 0 : 1).ThenByDescending(l => l.UpdatedAt).ToList();

        List<Shipment> recent = orders.Where(s => s.UpdatedAt >= dayStart || s.ActiveHolds.Count > 0 || s.Status is not (ShipmentStatus.Booked or ShipmentStatus.InTransit or ShipmentStatus.Delivered)
                || DoorThatDay(s) || DoorThatDay(s.LoadId is { } onLoad ? loadShipments.GetValueOrDefault(onLoad) : null))
            .OrderByDescending(s => s.UpdatedAt).Take(ShipmentLimit).ToList();
        List<BoardShipment> shipments = recent.Select(s =>
        {
            Shipment? carrierPlan = s.LoadId is { } loadId ? loadShipments.GetValueOrDefault(loadId) : null;
            Booking? booking = s.Booking ?? carrierPlan?.Booking;
            DockAppointment? door = s.DockAppointment ?? carrierPlan?.DockAppointment;
            return new BoardShipment(s.OrderId, s.Status.ToString(), s.LoadId ?? s.OpenLoadId, booking?.Scac, booking?.Price, door?.DoorId, door?.Start, door?.End,
                s.RequiredDeliveryBy, s.UpdatedAt, s.LoadId is null && MayRetender(s));
        }).ToList();

        List<BoardDecision> decisions = all.SelectMany(s => s.Decisions.TakeLast(10).Select(d => new BoardDecision(s.OrderId, s.IsLoad, d.At, d.Status.ToString(), d.Decision, d.Reason)))
            .OrderByDescending(d => d.At).ThenBy(d => d.OrderId, StringComparer.Ordinal).Take(DecisionLimit).ToList();

        var byStatus = orders.GroupBy(s => s.Status.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        return new PlantBoard(plantId, day, now, doorDay.Result, new BoardCounts(orders.Count, byStatus), loads, holds, decisions, shipments,
            rejected.Result.Select(RejectedEventView.From).ToList(), feed.Result);
    }

    static bool MayRetender(Shipment shipment) => shipment.MayRetender && !shipment.RetenderRequested;

    static async Task<List<T>> QueryAsync<T>(Container container, string plantId, CancellationToken cancellationToken)
    {
        var found = new List<T>();
        using FeedIterator<T> iterator = container.GetItemQueryIterator<T>(
            new QueryDefinition("SELECT * FROM c WHERE c.plantId = @plant").WithParameter("@plant", plantId));
        while (iterator.HasMoreResults)
        {
            found.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return found;
    }
}
