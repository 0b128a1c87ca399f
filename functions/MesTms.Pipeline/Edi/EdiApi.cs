using System.Text;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.Edi;

/// <summary>A carrier's X12 documents both ways, newest first.</summary>
public sealed record EdiDocumentList(string Scac, IReadOnlyList<EdiDocument> Documents);

/// <summary>
/// <c>POST /api/carriers/{scac}/edi</c>: an EDI carrier sends X12 (990, 214, 997) with its key and gets the 997 back in the
/// answer (<c>application/edi-x12</c>), also for a document that cannot be read (its rejection); <c>GET</c> lists the
/// carrier's documents for planners and integrators.
/// </summary>
public sealed class EdiApi(EdiInbound inbound, IEdiDocumentStore documents, CarrierOptions options)
{
    public const string StatusHeader = "X-MesTms-Edi-Status";

    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Post("PostCarrierEdi", "carriers/{scac}/edi",
            call => call.Service<EdiApi>().PostAsync(call.Http, call.Route("scac"), call.RequireDurable()), ApiAccess.Carrier)
            .Documented(new ApiDoc("Carriers", "Send X12 (990, 214, 997)",
                "An EDI carrier (MesTms:Carriers:Edi:{SCAC}) posts an X12 004010 interchange: a 990 answers its tender like the JSON answer, a 214's " +
                "statuses are taken like the status route's, a 997 acknowledges our documents. The answer is our 997 for every functional group — " +
                $"also a rejection naming segment and element when the interchange cannot be read; the {StatusHeader} header says accepted, partly-rejected or rejected. " +
                "Everything received is stored; the same interchange again gets the same 997 and changes nothing.",
                [new ApiAnswer(200, "The 997 functional acknowledgment (empty when the interchange held only 997s).", typeof(string), "application/edi-x12")])
            {
                Request = typeof(string),
                RequestContentType = EdiTransport.MediaType,
                Errors =
                [
                    (403, "The key is another carrier's."),
                    (404, "The carrier is not configured for EDI."),
                    (413, "The interchange is larger than 1 MB."),
                ],
            }),
        ApiRoute.Get("ListCarrierEdi", "carriers/{scac}/edi", call => call.Service<EdiApi>().ListAsync(call.Http, call.Route("scac")))
            .Documented(new ApiDoc("Carriers", "A carrier's X12 documents",
                "The latest X12 interchanges written to and read from the carrier (limit, default 50), with their text, control numbers, status and outcomes.",
                [new ApiAnswer(200, "The documents, newest first.", typeof(EdiDocumentList))])
            {
                Query = [new ApiQuery("limit", "How many, 1-500 (default 50).")],
                Errors = [(400, "Bad SCAC or limit."), (404, "The carrier is not configured for EDI.")],
            }),
    ];

    public async Task<IResult> PostAsync(HttpContext http, string scac, DurableTaskClient durable)
    {
        if (ApiCaller.CarrierFor(http, scac, "send EDI").Refusal is { } wrongCarrier)
        {
            return wrongCarrier;
        }

        string? known = options.Edi.Keys.FirstOrDefault(k => string.Equals(k, scac, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            return NotEdi(scac);
        }

        if (http.Request.ContentLength > EdiInbound.MaxLength)
        {
            return TooLarge();
        }

        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        char[] buffer = new char[EdiInbound.MaxLength + 1];
        int length = await reader.ReadBlockAsync(buffer, http.RequestAborted);
        if (length > EdiInbound.MaxLength)
        {
            return TooLarge();
        }

        try
        {
            EdiInboundResult result = await inbound.ReceiveAsync(known, new string(buffer, 0, length), durable, http.RequestAborted);
            return new HttpJson.WithHeader(new HttpJson.WithHeader(Results.Text(result.Acknowledgment, EdiTransport.MediaType, Encoding.ASCII),
                StatusHeader, result.Document.Status), "X-MesTms-Edi-Document", result.Document.Id);
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            return HttpJson.Unavailable("The document store could not be reached; send the interchange again.");
        }
    }

    public async Task<IResult> ListAsync(HttpContext http, string scac)
    {
        string? known = options.Edi.Keys.FirstOrDefault(k => string.Equals(k, scac, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            return NotEdi(scac);
        }

        int limit = 50;
        if (http.Request.Query["limit"].ToString() is { Length: > 0 } text && (!int.TryParse(text, out limit) || limit is < 1 or > 500))
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-limit", "Invalid limit", "limit must be 1-500.");
        }

        try
        {
            return HttpJson.Ok(new EdiDocumentList(known, await documents.ListAsync(known, limit, http.RequestAborted)));
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            return HttpJson.Unavailable("The document store could not be reached.");
        }
    }

    static IResult NotEdi(string scac) => HttpJson.Problem(StatusCodes.Status404NotFound, "not-an-edi-carrier", "Not an EDI carrier",
        $"{scac} is not configured for EDI ({CarrierOptions.Section}:Edi:{scac}).");

    static IResult TooLarge() => HttpJson.Problem(StatusCodes.Status413PayloadTooLarge, "interchange-too-large", "Interchange too large",
        $"An interchange may be at most {EdiInbound.MaxLength} characters; send large batches as several interchanges.");
}
