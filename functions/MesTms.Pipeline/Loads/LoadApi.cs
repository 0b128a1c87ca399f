using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

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
    string Status,
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
public sealed class LoadApi(ILoadStore loads, IShipmentStore shipments)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetLoad", "loads/{loadId}", call => call.Service<LoadApi>().GetLoadAsync(call.Route("loadId"), call.Aborted))
            .Documented(new ApiDoc("Loads", "Get a load", "A load with its orders, weights, cube, pallets, fill per dimension, decisions and carrier plan.",
                [new ApiAnswer(200, "The load and its shipment (carrier plan), once closed.", typeof(LoadView))])
            {
                Errors = [(400, "Not a load id."), (404, "No such load.")],
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
