using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace MesTms.Pipeline.Events;

/// <summary>A planner's release of a quality hold: who and why are required and recorded on the hold.</summary>
public sealed record PlannerHoldRelease(string? PlantId, string? ReleasedBy, string? Reason);

/// <summary>The answer to a planner's hold release: the order, the hold, who released it and where the release went.</summary>
public sealed record HoldReleaseReceipt(string OrderId, string PlantId, string HoldId, string ReleasedBy, string Result);

/// <summary><c>POST /api/shipments/{orderId}/holds/{holdId}/release</c>: a planner releases a quality hold.</summary>
public sealed class HoldApi(IShipmentStore shipments, IQualityHoldStore holds, MesEventRouter router, TimeProvider clock)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Post("ReleaseQualityHold", "shipments/{orderId}/holds/{holdId}/release",
            call => call.Service<HoldApi>().ReleaseAsync(call.Http, call.Route("orderId"), call.Route("holdId"), call.RequireDurable()))
            .Documented(new ApiDoc("Quality holds", "Release a quality hold",
                "A planner releases an active hold; who and why are required and recorded. The order moves on as if the MES had released it.",
                [new ApiAnswer(200, "The release was recorded and routed to the order.", typeof(HoldReleaseReceipt))])
            {
                Request = typeof(PlannerHoldRelease),
                Errors = [(400, "Bad ids, or releasedBy / reason missing."), (404, "No shipment for the order."), (409, "The hold is not active, or the order id is used by several plants (add plantId).")],
            }),
    ];

    public async Task<IResult> ReleaseAsync(HttpContext http, string orderId, string holdId, DurableTaskClient durable)
    {
        (PlannerHoldRelease? body, IResult? refusal) = await HttpJson.ReadAsync<PlannerHoldRelease>(http, "hold release");
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new List<FieldError>();
        if (!OrderKey.IsValidIdentifier(orderId))
        {
            errors.Add(new FieldError("orderId", OrderKey.IdentifierRule));
        }

        if (!OrderKey.IsValidIdentifier(holdId))
        {
            errors.Add(new FieldError("holdId", OrderKey.IdentifierRule));
        }

        if (string.IsNullOrWhiteSpace(body?.ReleasedBy) || body.ReleasedBy.Length > 200)
        {
            errors.Add(new FieldError("releasedBy", "is required: who releases the hold (at most 200 characters)"));
        }

        if (string.IsNullOrWhiteSpace(body?.Reason) || body.Reason.Length > 1000)
        {
            errors.Add(new FieldError("reason", "is required: why the hold is released (at most 1000 characters)"));
        }

        if (body?.PlantId is not null && !OrderKey.IsValidIdentifier(body.PlantId))
        {
            errors.Add(new FieldError("plantId", OrderKey.IdentifierRule));
        }

        if (errors.Count > 0)
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-hold-release", "Invalid hold release", "See errors.", errors);
        }

        IReadOnlyList<Shipment> found = (await shipments.FindByOrderIdAsync(orderId, http.RequestAborted))
            .Where(s => body!.PlantId is null || s.PlantId == body.PlantId).ToList();
        if (found.Count != 1)
        {
            return HttpJson.Problem(found.Count == 0 ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict,
                found.Count == 0 ? "shipment-not-found" : "ambiguous-order-id", found.Count == 0 ? "Shipment not found" : "Order id used by several plants",
                found.Count == 0 ? $"No shipment for order '{orderId}'." : "Add plantId to the body.");
        }

        var order = new OrderKey(found[0].PlantId, orderId);
        QualityHoldLedger ledger = await holds.GetAsync(order, http.RequestAborted);
        if (!ledger.Active.Any(h => h.HoldId == holdId))
        {
            return HttpJson.Problem(StatusCodes.Status409Conflict, "hold-not-active", "Hold not active",
                $"Order '{orderId}' has no active hold '{holdId}' (active: {string.Join(", ", ledger.Active.Select(h => h.HoldId).DefaultIfEmpty("none"))}).");
        }

        string route = await router.ChangeHoldsAsync(order, durable,
            l => l.Release(holdId, clock.GetUtcNow(), body!.ReleasedBy, $"Released by planner: {body.Reason}"), $"hold {holdId} released by {body!.ReleasedBy}", http.RequestAborted);
        return HttpJson.Ok(new HoldReleaseReceipt(orderId, order.PlantId, holdId, body.ReleasedBy!, route));
    }
}
