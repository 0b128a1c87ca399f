using MesTms.Domain.Events;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Shipments;

/// <summary>The planner API of shipments: <c>GET /api/shipments/{orderId}[?plantId=]</c>.</summary>
public sealed class ShipmentApi(IShipmentStore shipments)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetShipment", "shipments/{orderId}", call => call.Service<ShipmentApi>().GetShipmentAsync(call.Http, call.Route("orderId")))
            .Documented(new ApiDoc("Shipments", "Get a shipment",
                "Status, carrier, rate, load, dock door, appointment window, tenders, holds and the full history of decisions with reasons.",
                [new ApiAnswer(200, "The shipment.", typeof(Storage.ShipmentView))])
            {
                Query = [new ApiQuery("plantId", "The plant, when the order id is used by several plants.")],
                Errors = [(400, "Bad order or plant id."), (404, "No shipment for the order."), (409, "The order id is used by several plants: add plantId.")],
            }),
    ];

    /// <summary>Status, order, holds and decision history of one order's shipment.</summary>
    public async Task<IResult> GetShipmentAsync(HttpContext http, string orderId)
    {
        if (!OrderKey.IsValidIdentifier(orderId))
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-order-id", "Invalid order id",
                $"{MesEventValidator.Quote(orderId)} is not a valid order id ({OrderKey.IdentifierRule}).", [new FieldError("orderId", OrderKey.IdentifierRule)]);
        }

        string? plantId = http.Request.Query["plantId"];
        if (plantId is not null && !OrderKey.IsValidIdentifier(plantId))
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-plant-id", "Invalid plant id",
                $"{MesEventValidator.Quote(plantId)} is not a valid plant id ({OrderKey.IdentifierRule}).", [new FieldError("plantId", OrderKey.IdentifierRule)]);
        }

        // With the plant named, the shipment's id is known: one point read instead of a query over the order's partition.
        IReadOnlyList<Shipment> found = plantId is null
            ? await shipments.FindByOrderIdAsync(orderId, http.RequestAborted)
            : await shipments.GetAsync(new OrderKey(plantId, orderId), http.RequestAborted) is { } one ? [one] : [];
        List<Shipment> matches = found.Where(s => plantId is null || s.PlantId == plantId).ToList();
        return matches switch
        {
            [] => HttpJson.Problem(StatusCodes.Status404NotFound, "shipment-not-found", "Shipment not found",
                plantId is null ? $"No shipment for order '{orderId}'." : $"No shipment for order '{orderId}' of plant '{plantId}'."),
            [Shipment shipment] => HttpJson.Ok(ShipmentView.From(shipment)),
            _ => HttpJson.Problem(StatusCodes.Status409Conflict, "ambiguous-order-id", "Order id used by several plants",
                $"Order '{orderId}' exists at plants {string.Join(", ", matches.Select(m => m.PlantId))}: add ?plantId=."),
        };
    }
}
