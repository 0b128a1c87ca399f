using System.Text.Json;
using System.Collections.Concurrent;
using MesTms.Domain.Events;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Events;

/// <summary>The outcome for one event of a webhook request.</summary>
public sealed record EventResult(int Index, string? Id, string Status, string? Route = null, Problem? Problem = null)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>The body of a webhook answer when at least one event was accepted.</summary>
public sealed record WebhookResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<EventResult> Results);

/// <summary>The 400 answer when no event of a request was valid: each event's outcome with its problem.</summary>
public sealed record RefusedBatchProblem(string Type, string Title, int Status, string Detail, IReadOnlyList<EventResult> Events);

/// <summary>The answer to Event Grid's subscription-validation handshake.</summary>
public sealed record SubscriptionValidationResponse(string ValidationResponse);

/// <summary>
/// <c>POST /api/events/mes</c>: the Event Grid webhook. Answers the subscription-validation handshake and the
/// CloudEvents OPTIONS handshake; validates each event; records each once in Cosmos (event id is the key);
/// routes it; stores refused events with their reasons. A state-store outage answers 503 so Event Grid retries.
/// </summary>
public sealed class MesEventWebhook(IMesEventStore events, PendingRoutes pending, WebhookOptions options, TimeProvider clock,
    ILogger<MesEventWebhook> logger)
{
    public const long MaxBodyBytes = 4 * 1024 * 1024;
    /// <summary>Events of one request handled at once: their storage and Durable calls overlap, so a batch of 500 answers in seconds.</summary>
    public const int Parallelism = 64;

    /// <summary>The CloudEvents webhook abuse-protection handshake (OPTIONS).</summary>
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        new("MesEvents", "events/mes", [HttpMethods.Post, HttpMethods.Options], ApiAccess.Mes, call => HttpMethods.IsOptions(call.Http.Request.Method)
            ? Task.FromResult(HandleOptions(call.Http))
            : call.Service<MesEventWebhook>().HandleAsync(call.Http, call.RequireDurable()))
        {
            Doc = new ApiDoc("MES events", "Receive MES CloudEvents",
                "A CloudEvent or a JSON array of them (Event Grid CloudEvents schema, application/cloudevents-batch+json), or an Event Grid " +
                "subscription-validation event. Each event is checked against /api/schemas/mes-events.v1.json, recorded once by its id and routed; " +
                "refused events are stored with their reasons (GET /api/events/rejected). Valid events never wait on invalid ones.",
                [
                    new ApiAnswer(200, "What became of each event: accepted, duplicate (changes nothing) or rejected with its reasons.", typeof(WebhookResponse)),
                ])
            {
                Request = typeof(JsonElement[]),
                RequestContentType = "application/cloudevents-batch+json",
                Errors =
                [
                    (400, "Malformed JSON, or no event in the request was valid (the problem lists every event with its reasons)."),
                    (413, "The body is over 4 MiB or holds too many events."),
                ],
            },
        },
    ];

    public static IResult HandleOptions(HttpContext http)
    {
        string? origin = http.Request.Headers["WebHook-Request-Origin"];
        if (string.IsNullOrWhiteSpace(origin))
        {
            return HttpJson.Problem( StatusCodes.Status400BadRequest, "missing-webhook-origin", "Missing WebHook-Request-Origin",
                "The CloudEvents webhook handshake needs the WebHook-Request-Origin header.");
        }

        return new HttpJson.WithHeader(new HttpJson.WithHeader(new HttpJson.WithHeader(Results.Ok(), "WebHook-Allowed-Origin", origin),
            "WebHook-Allowed-Rate", "*"), "Allow", "POST, OPTIONS");
    }

    public async Task<IResult> HandleAsync(HttpContext http, DurableTaskClient durable)
    {
        CancellationToken cancellationToken = http.RequestAborted;
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return HttpJson.Problem(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Request too large",
                $"A webhook request may carry at most {MaxBodyBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        try
        {
            await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException e)
        {
            // A malformed chunked body, a body shorter than its Content-Length, a body over the server's limit.
            return HttpJson.Problem(e.StatusCode, "malformed-body", "Malformed request body",
                $"The request body could not be read: {e.Message}");
        }

        if (buffer.Length > MaxBodyBytes)
        {
            return HttpJson.Problem(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Request too large",
                $"A webhook request may carry at most {MaxBodyBytes} bytes.");
        }

        ParsedBody parsed = IncomingEventParser.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        if (parsed.TooManyEvents)
        {
            return HttpJson.Problem(StatusCodes.Status413PayloadTooLarge, "too-many-events", "Too many events", parsed.Error!);
        }

        if (parsed.Error is not null)
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "malformed-request", "Malformed request", parsed.Error);
        }

        IReadOnlyList<IncomingEvent> incoming = parsed.Events;
        if (incoming is [{ IsSubscriptionValidation: true } validation])
        {
            return AnswerSubscriptionValidation(validation);
        }

        DateTimeOffset receivedAt = clock.GetUtcNow();
        var results = new ConcurrentDictionary<int, EventResult>();
        var deferred = new ConcurrentBag<DeferredRoute>();
        // Routing starts before the answer only this long: the rest of a large batch is recorded now and routed after it.
        long routeUntil = (receivedAt + options.RoutingBudget).UtcTicks;
        try
        {
            // Copies of one event in the same batch go one after the other (the second then sees the first's
            // record as routed); different events go in parallel.
            IEnumerable<IGrouping<string, IncomingEvent>> byId = incoming.GroupBy(e => e.Envelope.Id ?? $"#{e.Index}", StringComparer.Ordinal);
            await Parallel.ForEachAsync(byId, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (copies, ct) =>
                {
                    foreach (IncomingEvent e in copies)
                    {
                        results[e.Index] = await ProcessAsync(e, receivedAt, durable, clock.GetUtcNow().UtcTicks < routeUntil ? null : deferred, ct);
                    }
                });

        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "State store unavailable while recording {Count} event(s); answering 503 so the sender retries", incoming.Count);
            return HttpJson.Unavailable("The event store could not be reached.");
        }

        pending.RouteAfterAnswer([.. deferred], durable);
        pending.SweepSoon(durable);
        List<EventResult> ordered = results.OrderBy(r => r.Key).Select(r => r.Value).ToList();
        int rejected = ordered.Count(r => r.Status == EventResult.Rejected);
        if (rejected > 0)
        {
            // One line per request, never the payload: a hostile batch must not turn into thousands of log lines.
            EventResult first = ordered.First(r => r.Status == EventResult.Rejected);
            logger.LogWarning("Refused {Rejected} of {Count} event(s); the first, #{Index} ({Id}): {Errors}", rejected, ordered.Count, first.Index,
                MesEventValidator.Quote(first.Id), string.Join("; ", first.Problem?.Errors?.Take(3) ?? []));
        }

        if (rejected == ordered.Count)
        {
            return HttpJson.Json(StatusCodes.Status400BadRequest, new RefusedBatchProblem(HttpJson.ProblemBase + "invalid-events", "No valid event in the request",
                StatusCodes.Status400BadRequest, $"All {rejected} event(s) were refused; each is stored with its reasons (GET /api/events/rejected).", ordered),
                HttpJson.ProblemContentType);
        }

        return HttpJson.Ok(new WebhookResponse(
            ordered.Count(r => r.Status == EventResult.Accepted), ordered.Count(r => r.Status == EventResult.Duplicate), rejected, ordered));
    }

    /// <summary>The route an event answered before it is routed shows.</summary>
    public const string RoutedAfterAnswer = "recorded; routed right after this answer (outbox)";

    /// <param name="defer">Set once the routing budget is spent: the event is recorded and left here for after the answer.</param>
    async Task<EventResult> ProcessAsync(IncomingEvent incoming, DateTimeOffset receivedAt, DurableTaskClient durable, ConcurrentBag<DeferredRoute>? defer,
        CancellationToken cancellationToken)
    {
        CloudEventEnvelope envelope = incoming.Envelope;
        MesEventValidation validation = incoming.IsSubscriptionValidation
            ? new MesEventValidation(null, [new FieldError("eventType",
                "a subscription validation event must be sent alone, not in a batch with other events: it was not answered")])
            : MesEventValidator.Validate(envelope);
        if (!validation.IsValid)
        {
            await events.RecordRejectedAsync(incoming.Raw, envelope.Id, envelope.Type, envelope.Source, envelope.Subject, validation.Errors, receivedAt, cancellationToken);
            return new EventResult(incoming.Index, envelope.Id, EventResult.Rejected, Problem: new Problem(
                HttpJson.ProblemBase + "invalid-event", "Invalid MES event", StatusCodes.Status400BadRequest,
                $"{validation.Errors.Count} field(s) do not meet the MES event contract v1.", validation.Errors));
        }

        MesEvent mesEvent = validation.Event!;
        // What is stored is the validated event's data as this app writes it (one date format, one reader), not the
        // sender's text: a legal-but-unusual timestamp such as 2026-11-25t07:58:12z must read back the same later.
        // Past the routing budget the record is its own outbox entry (same write): an event answered as accepted is never lost.
        (MesEventRecord record, bool created) = await events.RecordAcceptedAsync(mesEvent, MesEventData.ToJson(mesEvent), receivedAt, cancellationToken,
            routePending: defer is not null);
        if (!created && record.Route is not null)
        {
            return new EventResult(incoming.Index, mesEvent.Id, EventResult.Duplicate, record.Route);
        }

        bool claimed = created && record.ClaimsCompletion;
        if (defer is not null)
        {
            if (!created && record.RoutePending != true)
            {
                // Recorded by an earlier delivery that never routed it: into the outbox before the answer says accepted.
                await events.MarkRoutePendingAsync(record with { Time = mesEvent.Time }, cancellationToken);
            }

            defer.Add(new DeferredRoute(mesEvent, record, claimed));
            return new EventResult(incoming.Index, mesEvent.Id, created ? EventResult.Accepted : EventResult.Duplicate, RoutedAfterAnswer);
        }

        // New, or recorded by an earlier delivery that failed before routing: routing is idempotent, so finish it.
        string route = await pending.RouteAsync(new DeferredRoute(mesEvent, record, claimed), durable, cancellationToken);
        return new EventResult(incoming.Index, mesEvent.Id, created ? EventResult.Accepted : EventResult.Duplicate, route);
    }

    static IResult AnswerSubscriptionValidation(IncomingEvent validation)
    {
        if (string.IsNullOrEmpty(validation.ValidationCode))
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-validation-event", "Invalid subscription validation event",
                "The subscription validation event carries no data.validationCode.");
        }

        return HttpJson.Ok(new SubscriptionValidationResponse(validation.ValidationCode!));
    }
}
