using MesTms.Domain.Events;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace MesTms.Pipeline.Shipments;

/// <summary>The planner API of shipments: <c>GET /api/shipments/{orderId}[?plantId=]</c>.</summary>
public sealed class ShipmentApi(IShipmentStore shipments, ILoadStore loads, LoadApi loadApi, TimeProvider clock)
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
        ApiRoute.Post("RetenderOrder", "shipments/{orderId}/retender",
            call => call.Service<ShipmentApi>().RetenderAsync(call.Http, call.Route("orderId"), call.RequireDurable()))
            .Documented(new ApiDoc("Shipments", "Re-tender an order",
                "A planner re-tenders an order that is booked or whose waterfall ran out: shipped alone, its booked carrier is set aside and told " +
                "its tender is withdrawn, its door released, and it is rate shopped and tendered afresh; an order on a load re-tenders its load. " +
                "Planners get mestms.tender.withdrawn.v1 and mestms.shipment.retendered.v1. Repeating the request changes nothing.",
                [new ApiAnswer(202, "Accepted: the order's (or its load's) workflow re-plans it.", typeof(RetenderReceipt))])
            {
                Request = typeof(PlannerRetender),
                Errors =
                [
                    (400, "Bad order id, or requestedBy / reason missing."),
                    (404, "No shipment for the order."),
                    (409, "Being tendered, on hold, not yet planned, or the order id is used by several plants (add plantId)."),
                ],
            }),
    ];

    public async Task<IResult> RetenderAsync(HttpContext http, string orderId, DurableTaskClient durable)
    {
        (PlannerRetender? body, IResult? refusal) = await HttpJson.ReadAsync<PlannerRetender>(http, "re-tender");
        if ((refusal ?? PlannerRetender.Refuse(body, orderId, "orderId", OrderKey.IsValidIdentifier, OrderKey.IdentifierRule)) is { } bad)
        {
            return bad;
        }

        List<Shipment> found = (await shipments.FindByOrderIdAsync(orderId, http.RequestAborted)).Where(s => body!.PlantId is null || s.PlantId == body.PlantId).ToList();
        if (found is not [Shipment shipment])
        {
            return HttpJson.Problem(found.Count == 0 ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict,
                found.Count == 0 ? "shipment-not-found" : "ambiguous-order-id", found.Count == 0 ? "Shipment not found" : "Order id used by several plants",
                found.Count == 0 ? $"No shipment for order '{orderId}'." : "Add plantId to the body.");
        }

        if (shipment.LoadId is { } loadId && !shipment.IsLoad && await loads.GetAsync(loadId, http.RequestAborted) is { } load)
        {
            // An order travels with its load: the load is re-tendered.
            return await loadApi.RetenderAsync(load, body!, durable, http.RequestAborted);
        }

        var order = new OrderKey(shipment.PlantId, shipment.OrderId);
        var receipt = (string result) => new HttpJson.WithHeader(HttpJson.Json(StatusCodes.Status202Accepted,
            new RetenderReceipt(orderId, shipment.PlantId, "order", body!.RequestedBy!, shipment.Booking?.Scac ?? shipment.SetAsideCarriers.LastOrDefault(), result)),
            "Location", $"/api/shipments/{orderId}?plantId={shipment.PlantId}");
        if (shipment.RetenderRequested)
        {
            return receipt("already requested: the order is being re-planned");
        }

        if (!shipment.MayRetender)
        {
            return PlannerRetender.NotNow($"Order '{orderId}'", shipment.Status);
        }

        // Only the request that records the re-tender raises it (a concurrent repeat finds it recorded and changes nothing).
        bool recorded = false;
        await shipments.UpdateAsync(order, current =>
        {
            Shipment next = current!.RequestRetender(body!.RequestedBy!, body.Reason!, clock.GetUtcNow(), clock.GetUtcNow());
            recorded = !ReferenceEquals(next, current);
            return next;
        }, http.RequestAborted);
        if (!recorded)
        {
            return receipt("already requested: the order is being re-planned");
        }

        await durable.RaiseEventAsync(order.ShipmentInstanceId, ShipmentOrchestration.RetenderRequestedEvent,
            new PlannerRetender(shipment.PlantId, body!.RequestedBy, body.Reason), http.RequestAborted);
        return receipt("re-planning");
    }

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
