using MesTms.Domain.Loads;
using MesTms.Domain.Shipments;
using System.Globalization;
using MesTms.Domain;
using MesTms.Domain.Events;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Api;

/// <summary>The planner API: shipments and refused events. JSON in, JSON (or problem+json) out.</summary>
public sealed class PlannerApi(IShipmentStore shipments, IMesEventStore events, ILoadStore loads, TimeProvider clock)
{
    public const int DefaultRejectedLimit = 100;
    public const int MaxRejectedLimit = 1000;

    /// <summary><c>GET /api/shipments/{orderId}[?plantId=]</c>: status, order, holds and decision history.</summary>
    public async Task GetShipmentAsync(HttpContext http, string orderId)
    {
        if (!OrderKey.IsValidIdentifier(orderId))
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-order-id", "Invalid order id",
                $"{MesEventValidator.Quote(orderId)} is not a valid order id ({OrderKey.IdentifierRule}).", [new FieldError("orderId", OrderKey.IdentifierRule)]);
            return;
        }

        string? plantId = http.Request.Query["plantId"];
        if (plantId is not null && !OrderKey.IsValidIdentifier(plantId))
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-plant-id", "Invalid plant id",
                $"{MesEventValidator.Quote(plantId)} is not a valid plant id ({OrderKey.IdentifierRule}).", [new FieldError("plantId", OrderKey.IdentifierRule)]);
            return;
        }

        // With the plant named, the shipment's id is known: one point read instead of a query over the order's partition.
        IReadOnlyList<Shipment> found = await Guard(http, async () => plantId is null
            ? await shipments.FindByOrderIdAsync(orderId, http.RequestAborted)
            : await shipments.GetAsync(new OrderKey(plantId, orderId), http.RequestAborted) is { } one ? [one] : []);
        if (http.Response.HasStarted)
        {
            return;
        }

        List<Shipment> matches = found.Where(s => plantId is null || s.PlantId == plantId).ToList();
        if (matches.Count == 0)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status404NotFound, "shipment-not-found", "Shipment not found",
                plantId is null ? $"No shipment for order '{orderId}'." : $"No shipment for order '{orderId}' of plant '{plantId}'.");
            return;
        }

        if (matches.Count > 1)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status409Conflict, "ambiguous-order-id", "Order id used by several plants",
                $"Order '{orderId}' exists at plants {string.Join(", ", matches.Select(m => m.PlantId))}: add ?plantId=.");
            return;
        }

        await HttpJson.WriteAsync(http, StatusCodes.Status200OK, matches[0]);
    }

    /// <summary>
    /// <c>GET /api/loads/{loadId}</c>: orders, weights, cube, pallets, fill and decision history of a closed load, with its
    /// carrier plan (status, tenders, booking) under <c>shipment</c>. An open load answers to its id too
    /// (<c>open|{plant}|{group}|{equipment}</c>, URL-encoded).
    /// </summary>
    public async Task GetLoadAsync(HttpContext http, string loadId)
    {
        if (!IsLoadId(loadId))
        {
            // Checked before storage sees it: an id with '%' or text the store cannot take must never reach a storage URL.
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-load-id", "Invalid load id",
                $"{MesEventValidator.Quote(loadId)} is not a load id.", [new FieldError("loadId", LoadIdRule)]);
            return;
        }

        Load? load = await Guard(http, async () => await loads.GetAsync(loadId, http.RequestAborted) ?? NotFound);
        if (http.Response.HasStarted)
        {
            return;
        }

        if (ReferenceEquals(load, NotFound))
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status404NotFound, "load-not-found", "Load not found", $"No load '{loadId}'.");
            return;
        }

        Shipment? shipment = load!.Kind == Load.LoadKind
            ? await Guard(http, async () => await shipments.GetAsync(new OrderKey(load.PlantId, load.Id), http.RequestAborted) ?? NoShipment)
            : NoShipment;
        if (http.Response.HasStarted)
        {
            return;
        }

        await HttpJson.WriteAsync(http, StatusCodes.Status200OK, new LoadView(load with { ClosedMembers = [] }, ReferenceEquals(shipment, NoShipment) ? null : shipment));
    }

    public const string LoadIdRule = "1-200 characters: letters, digits, '.', '_', '-' or '|', starting with a letter or digit";

    /// <summary>Load ids are the app's own (<c>L-P100-US-303-D00001</c>, <c>open|P100|US-303|DryVan</c>).</summary>
    public static bool IsLoadId(string? id) =>
        id is { Length: > 0 and <= 200 } && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '|');

    static readonly Load NotFound = new() { Id = "", Kind = "", PlantId = "", DestinationGroup = "", Equipment = default, Status = "" };
    static readonly Shipment NoShipment = new() { Id = "", OrderId = "", PlantId = "", Status = default };

    /// <summary><c>GET /api/events/rejected[?since=&amp;limit=]</c>: refused events with their reasons, newest first.</summary>
    public async Task ListRejectedEventsAsync(HttpContext http)
    {
        var errors = new List<FieldError>();
        DateTimeOffset since = clock.GetUtcNow().AddDays(-7);
        if (http.Request.Query["since"].ToString() is { Length: > 0 } sinceText)
        {
            (DateTimeOffset? parsed, string? error) = Rfc3339.TryParse(sinceText);
            if (parsed is { } value)
            {
                since = value;
            }
            else
            {
                errors.Add(new FieldError("since", $"{MesEventValidator.Quote(sinceText)} {error}"));
            }
        }

        int limit = DefaultRejectedLimit;
        if (http.Request.Query["limit"].ToString() is { Length: > 0 } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxRejectedLimit))
        {
            errors.Add(new FieldError("limit", $"must be a whole number from 1 to {MaxRejectedLimit}"));
        }

        if (errors.Count > 0)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-query", "Invalid query", "See errors.", errors);
            return;
        }

        IReadOnlyList<MesEventRecord> rejected = await Guard(http, () => events.ListRejectedAsync(since, limit, http.RequestAborted));
        if (!http.Response.HasStarted)
        {
            await HttpJson.WriteAsync(http, StatusCodes.Status200OK, new { since, count = rejected.Count, events = rejected });
        }
    }

    static async Task<T> Guard<T>(HttpContext http, Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            await HttpJson.WriteUnavailableAsync(http, "The state store could not be reached.");
            return default!;
        }
    }
}

/// <summary>A load as the planner API shows it: the load document and its carrier plan.</summary>
public sealed record LoadView(Load Load, Shipment? Shipment);
