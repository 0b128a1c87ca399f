using System.Globalization;
using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Pipeline.Http;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Events;

/// <summary>A refused event as the API shows it, with the same JSON fields it has always had: its reasons and raw text.</summary>
public sealed record RejectedEventView(
    string Id,
    string? EventId,
    string Status,
    string? Type,
    string? Source,
    string? Subject,
    string? PlantId,
    string? OrderId,
    DateTimeOffset ReceivedAt,
    JsonElement? Data,
    string? RawEvent,
    IReadOnlyList<FieldError>? Errors,
    string? Route,
    DateTimeOffset? RoutedAt,
    int? Ttl,
    bool ClaimsCompletion)
{
    public static RejectedEventView From(MesEventRecord r) => new(
        r.Id, r.EventId, r.Status, r.Type, r.Source, r.Subject, r.PlantId, r.OrderId, r.ReceivedAt, r.Data, r.RawEvent, r.Errors, r.Route, r.RoutedAt,
        r.Ttl, r.ClaimsCompletion);
}

/// <summary>The answer of <c>GET /api/events/rejected</c>.</summary>
public sealed record RejectedEventList(DateTimeOffset Since, int Count, IReadOnlyList<RejectedEventView> Events);

/// <summary><c>GET /api/events/rejected[?since=&amp;limit=]</c>: refused events with their reasons, newest first.</summary>
public sealed class RejectedEventApi(IMesEventStore events, TimeProvider clock)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("ListRejectedEvents", "events/rejected", call => call.Service<RejectedEventApi>().ListAsync(call.Http))
            .Documented(new ApiDoc("MES events", "List rejected events", "Events the webhook refused, newest first, with their raw text and reasons.",
                [new ApiAnswer(200, "The rejected events since the given time.", typeof(RejectedEventList))])
            {
                Query = [new ApiQuery("since", "RFC 3339 time; default: 7 days ago.", Format: "date-time"), new ApiQuery("limit", "1-1000; default 100.", "integer")],
                Errors = [(400, "since or limit is invalid (errors[] names each).")],
            }),
    ];

    public async Task<IResult> ListAsync(HttpContext http)
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

        int limit = DefaultLimit;
        if (http.Request.Query["limit"].ToString() is { Length: > 0 } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            errors.Add(new FieldError("limit", $"must be a whole number from 1 to {MaxLimit}"));
        }

        if (errors.Count > 0)
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-query", "Invalid query", "See errors.", errors);
        }

        IReadOnlyList<MesEventRecord> rejected = await events.ListRejectedAsync(since, limit, http.RequestAborted);
        return HttpJson.Ok(new RejectedEventList(since, rejected.Count, rejected.Select(RejectedEventView.From).ToList()));
    }
}
