using MesTms.Domain.Events;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace MesTms.Pipeline.Api;

/// <summary>
/// <c>POST /api/tenders/{tenderId}/response</c>: a carrier accepts or declines a tender (EDI 990 as JSON).
/// The first answer counts; the same answer again changes nothing; a different second answer is a 409.
/// </summary>
public sealed class TenderApi(TenderResponseService responses)
{
    public async Task PostResponseAsync(HttpContext http, string tenderId, DurableTaskClient durable)
    {
        if (string.IsNullOrWhiteSpace(tenderId) || tenderId.Length > 200 || tenderId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-tender-id", "Invalid tender id", $"{MesEventValidator.Quote(tenderId)} is not a tender id.");
            return;
        }

        (bool ok, TenderResponse? response) = await HttpJson.TryReadAsync<TenderResponse>(http, "tender response");
        if (!ok)
        {
            return;
        }

        var errors = new List<FieldError>();
        if (response is null || response.Decision is not (TenderResponse.Accept or TenderResponse.Decline))
        {
            errors.Add(new FieldError("decision", "must be \"accept\" or \"decline\""));
        }

        if (response?.Reason is { Length: > 1000 })
        {
            errors.Add(new FieldError("reason", "must be at most 1000 characters"));
        }

        if (errors.Count > 0)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-tender-response", "Invalid tender response", "See errors.", errors);
            return;
        }

        TenderResponseOutcome outcome;
        try
        {
            outcome = await responses.RecordAsync(tenderId, response!, durable, http.RequestAborted);
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            await HttpJson.WriteUnavailableAsync(http, "The tender store could not be reached.");
            return;
        }

        switch (outcome)
        {
            case TenderResponseOutcome.UnknownTender:
                await HttpJson.WriteProblemAsync(http, StatusCodes.Status404NotFound, "tender-not-found", "Tender not found", $"No tender '{tenderId}'.");
                break;
            case TenderResponseOutcome.WrongCarrier:
                await HttpJson.WriteProblemAsync(http, StatusCodes.Status403Forbidden, "wrong-carrier", "Tender belongs to another carrier",
                    $"Tender '{tenderId}' was not sent to {response!.Scac}.");
                break;
            case TenderResponseOutcome.Conflict:
                await HttpJson.WriteProblemAsync(http, StatusCodes.Status409Conflict, "tender-already-answered", "Tender already answered",
                    $"Tender '{tenderId}' already has a different answer; the first answer counts.");
                break;
            case TenderResponseOutcome.Withdrawn:
                await HttpJson.WriteProblemAsync(http, StatusCodes.Status409Conflict, "tender-withdrawn", "Tender withdrawn",
                    $"Tender '{tenderId}' was withdrawn before this answer arrived; the shipment will be tendered again.");
                break;
            default:
                await HttpJson.WriteAsync(http, StatusCodes.Status200OK, new { tenderId, status = outcome == TenderResponseOutcome.Recorded ? "recorded" : "duplicate" });
                break;
        }
    }
}
