using MesTms.Domain.Events;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace MesTms.Pipeline.Tendering;

/// <summary>The answer to a carrier's tender response: recorded, or a duplicate of the answer already recorded.</summary>
public sealed record TenderResponseReceipt(string TenderId, string Status);

/// <summary>
/// <c>POST /api/tenders/{tenderId}/response</c>: a carrier accepts or declines a tender (EDI 990 as JSON).
/// The first answer counts; the same answer again changes nothing; a different second answer is a 409.
/// </summary>
public sealed class TenderApi(TenderResponseService responses, CarrierOptions carriers, TimeProvider clock)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Post("PostTenderResponse", "tenders/{tenderId}/response",
            call => call.Service<TenderApi>().PostResponseAsync(call.Http, call.Route("tenderId"), call.RequireDurable()), ApiAccess.Carrier)
            .Documented(new ApiDoc("Tenders", "Answer a tender", "A carrier accepts or declines its tender (EDI 990 as JSON). The first answer counts; the same answer again is a duplicate.",
                [new ApiAnswer(200, "Recorded, or a duplicate of the answer already recorded.", typeof(TenderResponseReceipt))])
            {
                Request = typeof(TenderResponse),
                Errors =
                [
                    (400, "Bad tender id, decision is not accept / decline, or answeredAt is more than MesTms:Carriers:StatusClockSkew (15 min) after the bridge's clock."),
                    (403, "The tender was sent to another carrier."),
                    (404, "No such tender."),
                    (409, "A different answer was recorded first, or the tender was withdrawn."),
                ],
            }),
    ];

    public async Task<IResult> PostResponseAsync(HttpContext http, string tenderId, DurableTaskClient durable)
    {
        if (!TenderIdRules.IsValid(tenderId))
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-tender-id", "Invalid tender id", $"{MesEventValidator.Quote(tenderId)} is not a tender id.");
        }

        (TenderResponse? response, IResult? refusal) = await HttpJson.ReadAsync<TenderResponse>(http, "tender response");
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new List<FieldError>();
        if (response is null || response.Decision is not (TenderResponse.Accept or TenderResponse.Decline))
        {
            errors.Add(new FieldError("decision", "must be \"accept\" or \"decline\""));
        }

        // A carrier may say when it answered (the next decisions are dated by it); never from the future.
        if (response?.AnsweredAt is { } answered && answered > clock.GetUtcNow() + carriers.StatusClockSkew)
        {
            errors.Add(new FieldError("answeredAt", $"{answered:O} is more than {carriers.StatusClockSkew.TotalMinutes:0} min after the bridge's clock ({clock.GetUtcNow():O})"));
        }

        if (response?.Reason is { Length: > 1000 })
        {
            errors.Add(new FieldError("reason", "must be at most 1000 characters"));
        }

        if (errors.Count > 0)
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-tender-response", "Invalid tender response", "See errors.", errors);
        }

        (string? scac, IResult? wrongCarrier) = ApiCaller.CarrierFor(http, response!.Scac, "answer");
        if (wrongCarrier is not null)
        {
            return wrongCarrier;
        }

        response = response with { Scac = scac };

        TenderResponseOutcome outcome;
        try
        {
            outcome = await responses.RecordAsync(tenderId, response!, durable, http.RequestAborted);
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            return HttpJson.Unavailable("The tender store could not be reached.");
        }

        return outcome switch
        {
            TenderResponseOutcome.UnknownTender =>
                HttpJson.Problem(StatusCodes.Status404NotFound, "tender-not-found", "Tender not found", $"No tender '{tenderId}'."),
            TenderResponseOutcome.WrongCarrier => HttpJson.Problem(StatusCodes.Status403Forbidden, "wrong-carrier", "Tender belongs to another carrier",
                $"Tender '{tenderId}' was not sent to {response!.Scac}."),
            TenderResponseOutcome.Conflict => HttpJson.Problem(StatusCodes.Status409Conflict, "tender-already-answered", "Tender already answered",
                $"Tender '{tenderId}' already has a different answer; the first answer counts."),
            TenderResponseOutcome.Withdrawn => HttpJson.Problem(StatusCodes.Status409Conflict, "tender-withdrawn", "Tender withdrawn",
                $"Tender '{tenderId}' was withdrawn before this answer arrived; the shipment will be tendered again."),
            _ => HttpJson.Ok(new TenderResponseReceipt(tenderId, outcome == TenderResponseOutcome.Recorded ? "recorded" : "duplicate")),
        };
    }
}

/// <summary>What a tender id may look like in a route (letters, digits, dot, dash, underscore; at most 200).</summary>
public static class TenderIdRules
{
    public static bool IsValid(string? tenderId) => !string.IsNullOrWhiteSpace(tenderId) && tenderId.Length <= 200
        && tenderId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
