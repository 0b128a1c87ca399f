using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Webhook;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace MesTms.Pipeline.Api;

/// <summary>A planner's release of a quality hold: who and why are required and recorded on the hold.</summary>
public sealed record PlannerHoldRelease(string? PlantId, string? ReleasedBy, string? Reason);

/// <summary><c>POST /api/shipments/{orderId}/holds/{holdId}/release</c>: a planner releases a quality hold.</summary>
public sealed class HoldApi(IShipmentStore shipments, IQualityHoldStore holds, MesEventRouter router, TimeProvider clock)
{
    public async Task ReleaseAsync(HttpContext http, string orderId, string holdId, DurableTaskClient durable)
    {
        (bool ok, PlannerHoldRelease? body) = await HttpJson.TryReadAsync<PlannerHoldRelease>(http, "hold release");
        if (!ok)
        {
            return;
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
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-hold-release", "Invalid hold release", "See errors.", errors);
            return;
        }

        try
        {
            IReadOnlyList<Shipment> found = (await shipments.FindByOrderIdAsync(orderId, http.RequestAborted))
                .Where(s => body!.PlantId is null || s.PlantId == body.PlantId).ToList();
            if (found.Count != 1)
            {
                await HttpJson.WriteProblemAsync(http, found.Count == 0 ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict,
                    found.Count == 0 ? "shipment-not-found" : "ambiguous-order-id", found.Count == 0 ? "Shipment not found" : "Order id used by several plants",
                    found.Count == 0 ? $"No shipment for order '{orderId}'." : "Add plantId to the body.");
                return;
            }

            var order = new OrderKey(found[0].PlantId, orderId);
            QualityHoldLedger ledger = await holds.GetAsync(order, http.RequestAborted);
            if (!ledger.Active.Any(h => h.HoldId == holdId))
            {
                await HttpJson.WriteProblemAsync(http, StatusCodes.Status409Conflict, "hold-not-active", "Hold not active",
                    $"Order '{orderId}' has no active hold '{holdId}' (active: {string.Join(", ", ledger.Active.Select(h => h.HoldId).DefaultIfEmpty("none"))}).");
                return;
            }

            string route = await router.ChangeHoldsAsync(order, durable,
                l => l.Release(holdId, clock.GetUtcNow(), body!.ReleasedBy, $"Released by planner: {body.Reason}"), $"hold {holdId} released by {body!.ReleasedBy}", http.RequestAborted);
            await HttpJson.WriteAsync(http, StatusCodes.Status200OK, new { orderId, plantId = order.PlantId, holdId, releasedBy = body.ReleasedBy, result = route });
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            await HttpJson.WriteUnavailableAsync(http, "The state store could not be reached.");
        }
    }
}
