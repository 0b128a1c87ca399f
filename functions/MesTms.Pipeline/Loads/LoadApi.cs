using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace MesTms.Pipeline.Loads;

/// <summary>
/// A load document as the planner API shows it (the same JSON fields it has always had; extend, never rename or drop):
/// orders, weights, cube, pallets, fill and decision history.
/// </summary>
public sealed record LoadDocumentView(
    string Id,
    string Kind,
    string PlantId,
    string DestinationGroup,
    string? DestinationPostalCode,
    string? DestinationCountry,
    Equipment Equipment,
    LoadStatus Status,
    IReadOnlyList<LoadLine> Orders,
    IReadOnlyList<RemovedOrder> Removed,
    decimal WeightLb,
    decimal CubeFt3,
    int FloorPositions,
    IReadOnlyList<string> Stops,
    decimal Fill,
    decimal WeightFill,
    decimal CubeFill,
    decimal FloorFill,
    DateTimeOffset? ShipBy,
    DateTimeOffset? OpenedAt,
    int NextLoadNumber,
    IReadOnlyList<LoadDocumentView> PendingHandOffs,
    IReadOnlyList<string> ClosedMembers,
    DateTimeOffset? NextReviewAt,
    int Revision,
    IReadOnlyList<LoadDecision> Decisions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The view of a load; the members a closed load handed over are bookkeeping and shown empty, as always.</summary>
    public static LoadDocumentView From(Load l) => new(
        l.Id, l.Kind, l.PlantId, l.DestinationGroup, l.DestinationPostalCode, l.DestinationCountry, l.Equipment, l.Status, l.Orders, l.Removed,
        l.WeightLb, l.CubeFt3, l.FloorPositions, l.Stops, l.Fill, l.WeightFill, l.CubeFill, l.FloorFill, l.ShipBy, l.OpenedAt, l.NextLoadNumber,
        l.PendingHandOffs.Select(From).ToList(), [], l.NextReviewAt, l.Revision, l.Decisions, l.CreatedAt, l.UpdatedAt);
}

/// <summary>A load as the planner API shows it: the load and its carrier plan (the load's shipment), once it has one.</summary>
public sealed record LoadView(LoadDocumentView Load, ShipmentView? Shipment);

/// <summary>The planner API of loads: <c>GET /api/loads/{loadId}</c>.</summary>
public sealed class LoadApi(ILoadStore loads, IShipmentStore shipments, IPlannerNotifier notifier, TimeProvider clock)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetLoad", "loads/{loadId}", call => call.Service<LoadApi>().GetLoadAsync(call.Route("loadId"), call.Aborted))
            .Documented(new ApiDoc("Loads", "Get a load", "A load with its orders, weights, cube, pallets, fill per dimension, decisions and carrier plan.",
                [new ApiAnswer(200, "The load and its shipment (carrier plan), once closed.", typeof(LoadView))])
            {
                Errors = [(400, "Not a load id."), (404, "No such load.")],
            }),
        ApiRoute.Post("RetenderLoad", "loads/{loadId}/retender",
            call => call.Service<LoadApi>().RetenderAsync(call.Http, call.Route("loadId"), call.RequireDurable()))
            .Documented(new ApiDoc("Loads", "Re-tender a load",
                "A planner re-tenders a closed load that is booked or whose waterfall ran out: the booked carrier is set aside and told its " +
                "tender is withdrawn, the door released, and the load rate shopped and tendered afresh (new tender ids). Planners get " +
                "mestms.tender.withdrawn.v1 and mestms.shipment.retendered.v1. Repeating the request changes nothing.",
                [new ApiAnswer(202, "Accepted: the load's workflow re-plans it.", typeof(RetenderReceipt))])
            {
                Request = typeof(PlannerRetender),
                Errors = [(400, "Bad load id, or requestedBy / reason missing."), (404, "No such load."), (409, "An open load, or a load being tendered, held or cancelled.")],
            }),
    ];

    public const string LoadIdRule = "1-200 characters: letters, digits, '.', '_', '-' or '|', starting with a letter or digit";

    /// <summary>Load ids are the app's own (<c>L-P100-US-303-D00001</c>, <c>open|P100|US-303|DryVan</c>).</summary>
    public static bool IsLoadId(string? id) =>
        id is { Length: > 0 and <= 200 } && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '|');

    /// <summary>
    /// A closed load with its carrier plan (status, tenders, booking) under <c>shipment</c>. An open load answers to its id
    /// too (<c>open|{plant}|{group}|{equipment}</c>, URL-encoded).
    /// </summary>
    public async Task<IResult> RetenderAsync(HttpContext http, string loadId, DurableTaskClient durable)
    {
        (PlannerRetender? body, IResult? refusal) = await HttpJson.ReadAsync<PlannerRetender>(http, "re-tender");
        if ((refusal ?? PlannerRetender.Refuse(body, loadId, "loadId", IsLoadId, LoadIdRule)) is { } bad)
        {
            return bad;
        }

        if (await loads.GetAsync(loadId, http.RequestAborted) is not { } load)
        {
            return HttpJson.Problem(StatusCodes.Status404NotFound, "load-not-found", "Load not found", $"No load '{loadId}'.");
        }

        return await RetenderAsync(load, body!, durable, http.RequestAborted);
    }

    /// <summary>Re-tenders a closed load (also for an order on it, from the shipment API).</summary>
    public async Task<IResult> RetenderAsync(Load load, PlannerRetender body, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var key = new OrderKey(load.PlantId, load.Id);
        Shipment? plan = load.Kind == Load.LoadKind ? await shipments.GetAsync(key, cancellationToken) : null;
        if (plan is null)
        {
            return HttpJson.Problem(StatusCodes.Status409Conflict, "not-retenderable", "Cannot re-tender now",
                $"Load '{load.Id}' is an open load with no carrier yet: it is tendered when it closes.");
        }

        string requestedBy = body.RequestedBy!, reason = body.Reason!;
        IResult Already() => new HttpJson.WithHeader(HttpJson.Json(StatusCodes.Status202Accepted,
            new RetenderReceipt(load.Id, load.PlantId, "load", requestedBy, plan.SetAsideCarriers.LastOrDefault(), "already requested: the load is being re-planned")),
            "Location", $"/api/loads/{load.Id}");

        // The load's current revision has no carrier outcome yet: it is being re-planned (after a re-tender: a repeat).
        if (!load.HasOutcomeForRevision)
        {
            return load.RetenderPending ? Already() : PlannerRetender.NotNow($"Load '{load.Id}' (being re-planned)", plan.Status);
        }

        if (!plan.MayRetender)
        {
            return PlannerRetender.NotNow($"Load '{load.Id}'", plan.Status);
        }

        // Only the request that moves the load from the revision read here re-tenders it (a concurrent repeat does not).
        DateTimeOffset now = clock.GetUtcNow();
        bool moved = false;
        Load retendered = await loads.UpdateAsync(load.Id, current =>
        {
            moved = current!.Revision == load.Revision;
            return moved ? current.Retender(requestedBy, reason, now) : current;
        }, cancellationToken);
        if (!moved)
        {
            return Already();
        }

        await shipments.UpdateAsync(key, current => current!.RequestRetender(requestedBy, reason, now, now), cancellationToken);
        await durable.RaiseEventAsync(LoadConsolidation.LoadInstanceId(load.Id), LoadOrchestration.MembershipChangedEvent, "retender", cancellationToken);
        string? setAside = plan.Booking?.Scac;
        await TenderNotices.RetenderedAsync(notifier, key, true, requestedBy, reason, setAside, retendered.Revision, now);
        return new HttpJson.WithHeader(HttpJson.Json(StatusCodes.Status202Accepted,
            new RetenderReceipt(load.Id, load.PlantId, "load", requestedBy, setAside, $"re-planning revision {retendered.Revision}")), "Location", $"/api/loads/{load.Id}");
    }

    public async Task<IResult> GetLoadAsync(string loadId, CancellationToken cancellationToken)
    {
        if (!IsLoadId(loadId))
        {
            // Checked before storage sees it: an id with '%' or text the store cannot take must never reach a storage URL.
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-load-id", "Invalid load id",
                $"{MesEventValidator.Quote(loadId)} is not a load id.", [new FieldError("loadId", LoadIdRule)]);
        }

        if (await loads.GetAsync(loadId, cancellationToken) is not { } load)
        {
            return HttpJson.Problem(StatusCodes.Status404NotFound, "load-not-found", "Load not found", $"No load '{loadId}'.");
        }

        Shipment? shipment = load.Kind == Load.LoadKind ? await shipments.GetAsync(new OrderKey(load.PlantId, load.Id), cancellationToken) : null;
        return HttpJson.Ok(new LoadView(LoadDocumentView.From(load), shipment is null ? null : ShipmentView.From(shipment)));
    }
}
