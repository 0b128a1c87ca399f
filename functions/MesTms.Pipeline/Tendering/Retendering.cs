using MesTms.Domain.Events;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;

namespace MesTms.Pipeline.Tendering;

/// <summary>A planner's re-tender of a load or an order: who and why are required and recorded.</summary>
public sealed record PlannerRetender(string? PlantId, string? RequestedBy, string? Reason)
{
    /// <summary>The 400 problem for a bad request, or null.</summary>
    public static IResult? Refuse(PlannerRetender? body, string id, string idField, Func<string, bool> validId, string idRule)
    {
        var errors = new List<FieldError>();
        if (!validId(id))
        {
            errors.Add(new FieldError(idField, idRule));
        }

        if (string.IsNullOrWhiteSpace(body?.RequestedBy) || body.RequestedBy.Length > 200)
        {
            errors.Add(new FieldError("requestedBy", "is required: who asks for the re-tender (at most 200 characters)"));
        }

        if (string.IsNullOrWhiteSpace(body?.Reason) || body.Reason.Length > 1000)
        {
            errors.Add(new FieldError("reason", "is required: why the shipment is re-tendered (at most 1000 characters)"));
        }

        if (body?.PlantId is not null && !OrderKey.IsValidIdentifier(body.PlantId))
        {
            errors.Add(new FieldError("plantId", OrderKey.IdentifierRule));
        }

        return errors.Count == 0 ? null : HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-retender", "Invalid re-tender", "See errors.", errors);
    }

    /// <summary>409: only a booked shipment or one whose waterfall ran out may be re-tendered (not while tendering or held).</summary>
    public static IResult NotNow(string what, ShipmentStatus status) => HttpJson.Problem(StatusCodes.Status409Conflict, "not-retenderable",
        "Cannot re-tender now", $"{what} is {status}: only a Booked shipment, or one whose tender waterfall ran out (TenderExhausted), with no active quality hold, is re-tendered.");
}

/// <summary>The answer to a re-tender: what is re-tendered, the carrier set aside (if it was booked) and where the request went.</summary>
public sealed record RetenderReceipt(string Id, string PlantId, string Kind, string RequestedBy, string? SetAside, string Result);

public sealed record RetenderShipmentRequest(OrderKey Order, string RequestedBy, string Reason, DateTimeOffset At);

/// <summary>Data of <c>mestms.shipment.retendered.v1</c>.</summary>
public sealed record ShipmentRetendered(string PlantId, string ShipmentId, string Kind, string RequestedBy, string Reason, string? SetAside, int Revision);

/// <summary>Data of <c>mestms.tender.withdrawn.v1</c>.</summary>
public sealed record TenderWithdrawn(string PlantId, string ShipmentId, string TenderId, string Scac, string Reason, bool CarrierTold, string? Action);

/// <summary>Planner notices of withdrawn tenders and re-tenders, with ids from the business keys (a repeat is the same notice).</summary>
public static class TenderNotices
{
    public static Task WithdrawnAsync(IPlannerNotifier notifier, OrderKey shipment, bool isLoad, string tenderId, string scac, string reason, string? untold, DateTimeOffset at) =>
        notifier.PublishAsync(PlannerNotification.Create($"{shipment.PlantId}|{shipment.OrderId}|withdrawn|{tenderId}", PlannerNotificationTypes.TenderWithdrawn,
            $"plants/{shipment.PlantId}/{(isLoad ? "loads" : "orders")}/{shipment.OrderId}", at,
            new TenderWithdrawn(shipment.PlantId, shipment.OrderId, tenderId, scac, reason, untold is null, untold)));

    public static Task RetenderedAsync(IPlannerNotifier notifier, OrderKey shipment, bool isLoad, string requestedBy, string reason, string? setAside, int revision, DateTimeOffset at) =>
        notifier.PublishAsync(PlannerNotification.Create($"{shipment.PlantId}|{shipment.OrderId}|retendered|r{revision}", PlannerNotificationTypes.ShipmentRetendered,
            $"plants/{shipment.PlantId}/{(isLoad ? "loads" : "orders")}/{shipment.OrderId}", at,
            new ShipmentRetendered(shipment.PlantId, shipment.OrderId, isLoad ? "load" : "order", requestedBy, reason, setAside, revision)));
}

/// <summary>
/// Carries out a planner's re-tender of an order shipped alone: the door goes back to the schedule, the booked carrier is
/// told its tender is withdrawn, and the shipment is ready for a new rate shop (which skips the carrier set aside).
/// </summary>
public sealed class RetenderShipment(IShipmentStore shipments, DockScheduling docks, ITenderStore tenders, ICarrierGateway gateway, IPlannerNotifier notifier, TimeProvider clock)
    : TaskActivity<RetenderShipmentRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RetenderShipmentRequest input)
    {
        Shipment? shipment = await shipments.GetAsync(input.Order);
        if (shipment is null)
        {
            return false;
        }

        string why = $"re-tendered by {input.RequestedBy}: {input.Reason}";
        if (shipment.DockAppointment is { } appointment)
        {
            await docks.ReleaseAsync(input.Order.PlantId, input.Order.OrderId, appointment, why);
        }

        string detail = $"{input.RequestedBy}: {input.Reason}";
        if (shipment.Booking is { } booking)
        {
            await tenders.WithdrawAsync(booking.TenderId, why, input.At);
            string? untold = await CarrierWithdrawals.TellAsync(gateway, booking.TenderId, booking.Scac, input.At,
                new { tenderId = booking.TenderId, plantId = input.Order.PlantId, orderId = input.Order.OrderId, reason = why, pickupDay = booking.PickupDay });
            await TenderNotices.WithdrawnAsync(notifier, input.Order, false, booking.TenderId, booking.Scac, why, untold, input.At);
            detail += $"; tender {booking.TenderId} to {booking.Scac} withdrawn" + (untold is null ? ", carrier told" : $"; {untold}");
        }

        Shipment after = await shipments.UpdateAsync(input.Order, current => current!.Retender(detail + "; rate shopping again", input.At, clock.GetUtcNow()));
        await TenderNotices.RetenderedAsync(notifier, input.Order, false, input.RequestedBy, input.Reason, shipment.Booking?.Scac, after.PlanRevision, input.At);
        return true;
    }
}
