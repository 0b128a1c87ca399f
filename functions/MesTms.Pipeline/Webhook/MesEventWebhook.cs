using System.Collections.Concurrent;
using MesTms.Domain.Events;
using MesTms.Pipeline.Api;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Webhook;

/// <summary>The outcome for one event of a webhook request.</summary>
public sealed record EventResult(int Index, string? Id, string Status, string? Route = null, Problem? Problem = null)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>The body of a webhook answer when at least one event was accepted.</summary>
public sealed record WebhookResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<EventResult> Results);

/// <summary>
/// <c>POST /api/events/mes</c>: the Event Grid webhook. Answers the subscription-validation handshake and the
/// CloudEvents OPTIONS handshake; validates each event; records each once in Cosmos (event id is the key);
/// routes it; stores refused events with their reasons. A state-store outage answers 503 so Event Grid retries.
/// </summary>
public sealed class MesEventWebhook(IMesEventStore events, MesEventRouter router, TimeProvider clock, ILogger<MesEventWebhook> logger)
{
    public const long MaxBodyBytes = 4 * 1024 * 1024;
    /// <summary>Events of one request handled at once: their storage and Durable calls overlap, so a batch of 500 answers in seconds.</summary>
    public const int Parallelism = 64;

    /// <summary>The CloudEvents webhook abuse-protection handshake (OPTIONS).</summary>
    public static Task HandleOptionsAsync(HttpContext http)
    {
        string? origin = http.Request.Headers["WebHook-Request-Origin"];
        if (string.IsNullOrWhiteSpace(origin))
        {
            return HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "missing-webhook-origin", "Missing WebHook-Request-Origin",
                "The CloudEvents webhook handshake needs the WebHook-Request-Origin header.");
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.Headers["WebHook-Allowed-Origin"] = origin;
        http.Response.Headers["WebHook-Allowed-Rate"] = "*";
        http.Response.Headers.Allow = "POST, OPTIONS";
        return Task.CompletedTask;
    }

    public async Task HandleAsync(HttpContext http, DurableTaskClient durable)
    {
        CancellationToken cancellationToken = http.RequestAborted;
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status413PayloadTooLarge, "body-too-large", "Request too large",
                $"A webhook request may carry at most {MaxBodyBytes} bytes.");
            return;
        }

        using var buffer = new MemoryStream();
        try
        {
            await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException e)
        {
            // A malformed chunked body, a body shorter than its Content-Length, a body over the server's limit.
            await HttpJson.WriteProblemAsync(http, e.StatusCode, "malformed-body", "Malformed request body",
                $"The request body could not be read: {e.Message}");
            return;
        }

        if (buffer.Length > MaxBodyBytes)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status413PayloadTooLarge, "body-too-large", "Request too large",
                $"A webhook request may carry at most {MaxBodyBytes} bytes.");
            return;
        }

        ParsedBody parsed = IncomingEventParser.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        if (parsed.TooManyEvents)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status413PayloadTooLarge, "too-many-events", "Too many events", parsed.Error!);
            return;
        }

        if (parsed.Error is not null)
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "malformed-request", "Malformed request", parsed.Error);
            return;
        }

        IReadOnlyList<IncomingEvent> incoming = parsed.Events;
        if (incoming is [{ IsSubscriptionValidation: true } validation])
        {
            await AnswerSubscriptionValidationAsync(http, validation);
            return;
        }

        DateTimeOffset receivedAt = clock.GetUtcNow();
        var results = new ConcurrentDictionary<int, EventResult>();
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
                        results[e.Index] = await ProcessAsync(e, receivedAt, durable, ct);
                    }
                });
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "State store unavailable while recording {Count} event(s); answering 503 so the sender retries", incoming.Count);
            await HttpJson.WriteUnavailableAsync(http, "The event store could not be reached.");
            return;
        }

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
            await HttpJson.WriteAsync(http, StatusCodes.Status400BadRequest, new
            {
                type = HttpJson.ProblemBase + "invalid-events",
                title = "No valid event in the request",
                status = StatusCodes.Status400BadRequest,
                detail = $"All {rejected} event(s) were refused; each is stored with its reasons (GET /api/events/rejected).",
                events = ordered,
            }, HttpJson.ProblemContentType);
            return;
        }

        await HttpJson.WriteAsync(http, StatusCodes.Status200OK, new WebhookResponse(
            ordered.Count(r => r.Status == EventResult.Accepted), ordered.Count(r => r.Status == EventResult.Duplicate), rejected, ordered));
    }

    async Task<EventResult> ProcessAsync(IncomingEvent incoming, DateTimeOffset receivedAt, DurableTaskClient durable, CancellationToken cancellationToken)
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
        (MesEventRecord record, bool created) = await events.RecordAcceptedAsync(mesEvent, MesEventData.ToJson(mesEvent), receivedAt, cancellationToken);
        if (!created && record.Route is not null)
        {
            return new EventResult(incoming.Index, mesEvent.Id, EventResult.Duplicate, record.Route);
        }

        // New, or recorded by an earlier delivery that failed before routing: routing is idempotent, so finish it.
        string route = await router.RouteAsync(mesEvent, record.ReceivedAt, durable, cancellationToken, claimed: created && record.ClaimsCompletion);
        await events.MarkRoutedAsync(record, route, clock.GetUtcNow(), cancellationToken);
        return new EventResult(incoming.Index, mesEvent.Id, created ? EventResult.Accepted : EventResult.Duplicate, route);
    }

    static Task AnswerSubscriptionValidationAsync(HttpContext http, IncomingEvent validation)
    {
        if (string.IsNullOrEmpty(validation.ValidationCode))
        {
            return HttpJson.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "invalid-validation-event", "Invalid subscription validation event",
                "The subscription validation event carries no data.validationCode.");
        }

        return HttpJson.WriteAsync(http, StatusCodes.Status200OK, new { validationResponse = validation.ValidationCode });
    }
}
