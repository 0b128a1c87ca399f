using MesTms.Domain.Events;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Tendering;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace MesTms.Pipeline.CarrierStatuses;

/// <summary>
/// <c>POST /api/tenders/{tenderId}/status</c>: a carrier without EDI reports a booked shipment's status (what an EDI 214
/// says): arrived at pick-up, departed, arrived at delivery, delivered. Each status counts once; the same one again is a duplicate.
/// </summary>
public sealed class CarrierStatusApi(CarrierStatusService statuses)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Post("PostCarrierStatus", "tenders/{tenderId}/status",
            call => call.Service<CarrierStatusApi>().PostAsync(call.Http, call.Route("tenderId"), call.RequireDurable()), ApiAccess.Carrier)
            .Documented(new ApiDoc("Tenders", "Report a shipment status",
                "The booked carrier reports arrived-at-pickup, departed-pickup, arrived-at-delivery or delivered, with the time it happened (EDI 214 as JSON). " +
                "The shipment, its dock appointment and the carrier's observed on-time rates follow; planners get mestms.shipment.departed.v1, " +
                "mestms.shipment.delivered.v1 and mestms.shipment.pickup.late.v1. The same status again is a duplicate.",
                [new ApiAnswer(200, "Recorded, or a duplicate of a status already recorded.", typeof(CarrierStatusReceipt))])
            {
                Request = typeof(CarrierStatusUpdate),
                Errors =
                [
                    (400, "Bad tender id, unknown status, no time, or a time more than MesTms:Carriers:StatusClockSkew (15 min) after the bridge's clock (stored as refused, never applied)."),
                    (403, "The tender was sent to another carrier."),
                    (404, "No such tender."),
                    (409, "The tender is not the shipment's booking (declined, withdrawn, or the shipment was re-tendered)."),
                ],
            }),
    ];

    public async Task<IResult> PostAsync(HttpContext http, string tenderId, DurableTaskClient durable)
    {
        if (!TenderIdRules.IsValid(tenderId))
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-tender-id", "Invalid tender id", $"{MesEventValidator.Quote(tenderId)} is not a tender id.");
        }

        (CarrierStatusUpdate? update, IResult? refusal) = await HttpJson.ReadAsync<CarrierStatusUpdate>(http, "carrier status");
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new List<FieldError>();
        if (update?.Status is not { } status || !CarrierStatusCodes.All.Contains(status))
        {
            errors.Add(new FieldError("status", $"must be one of {string.Join(", ", CarrierStatusCodes.All)}"));
        }

        if (update?.At is not { } at)
        {
            errors.Add(new FieldError("at", "is required: when it happened (RFC 3339 with offset)"));
        }

        if (update?.Reason is { Length: > 200 } || update?.City is { Length: > 100 } || update?.State is { Length: > 10 })
        {
            errors.Add(new FieldError("reason", "reason, city and state must be at most 200, 100 and 10 characters"));
        }

        if (errors.Count > 0)
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-carrier-status", "Invalid carrier status", "See errors.", errors);
        }

        (string? scac, IResult? wrongCarrier) = ApiCaller.CarrierFor(http, update!.Scac, "report");
        if (wrongCarrier is not null)
        {
            return wrongCarrier;
        }

        var report = new CarrierStatusReport(update.Status, update.At!.Value.ToUniversalTime(), update.Reason, update.City, update.State);
        try
        {
            (CarrierStatusOutcome outcome, Shipment? shipment, string? why) = await statuses.RecordAsync(tenderId, scac, report, durable, http.RequestAborted);
            return outcome switch
            {
                CarrierStatusOutcome.UnknownTender => HttpJson.Problem(StatusCodes.Status404NotFound, "tender-not-found", "Tender not found", why!),
                CarrierStatusOutcome.WrongCarrier => HttpJson.Problem(StatusCodes.Status403Forbidden, "wrong-carrier", "Tender belongs to another carrier", why!),
                CarrierStatusOutcome.NotBooked => HttpJson.Problem(StatusCodes.Status409Conflict, "tender-not-booked", "Tender is not the booking", why!),
                CarrierStatusOutcome.FromTheFuture => HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-carrier-status", "Invalid carrier status",
                    "The status is dated in the future; it was stored as refused and not applied.", [new FieldError("at", why!)]),
                _ => HttpJson.Ok(new CarrierStatusReceipt(tenderId, report.Code, outcome == CarrierStatusOutcome.Recorded ? "recorded" : "duplicate",
                    shipment!.Status, shipment.Progress?.PickedUpOnTime, shipment.Progress?.DeliveredOnTime)),
            };
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            return HttpJson.Unavailable("The shipment store could not be reached.");
        }
    }
}
