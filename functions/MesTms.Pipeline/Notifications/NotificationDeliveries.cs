using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Notifications;

/// <summary>
/// A plain webhook that receives planner notifications, bound from <c>MesTms:Notifications:Subscribers:{name}</c>:
/// <see cref="Endpoint"/>, an optional <see cref="Types"/> filter (comma-separated CloudEvents types; empty: all) and an
/// optional <see cref="Secret"/> sent in the <c>X-MesTms-Secret</c> header.
/// </summary>
public sealed class NotificationSubscriber
{
    public string Endpoint { get; set; } = "";

    public string? Types { get; set; }

    public string? Secret { get; set; }

    public bool Wants(string type) => string.IsNullOrWhiteSpace(Types)
        || Types.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(type, StringComparer.Ordinal);
}

/// <summary>Where one notification stands with one subscriber.</summary>
public sealed record NotificationDelivery(
    string Subscriber,
    string Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError = null,
    DateTimeOffset? DeliveredAt = null)
{
    public const string Pending = "Pending";
    public const string Delivered = "Delivered";

    /// <summary>The last attempt failed too: the notification stays in the outbox with this record and is not sent again.</summary>
    public const string DeadLettered = "DeadLettered";
}

/// <summary>
/// Delivers the outbox to the configured webhook subscribers, at least once: each notification is POSTed as a structured
/// CloudEvent (<c>application/cloudevents+json</c>, the outbox id as its id, so a receiver dedupes on it) after the
/// CloudEvents webhook handshake (an <c>OPTIONS</c> with <c>WebHook-Request-Origin</c>, answered with a matching
/// <c>WebHook-Allowed-Origin</c>) has passed once for that subscriber. A failed attempt is retried after
/// <see cref="NotificationOptions.RetryAfter"/>, doubling up to <see cref="NotificationOptions.MaxRetryDelay"/>; after
/// <see cref="NotificationOptions.DeliveryAttempts"/> the delivery is dead-lettered with its last error. Progress is kept on
/// the notification document under its ETag, so sweeps running side by side never lose one another's results.
/// </summary>
public sealed class NotificationDeliveries(CosmosStore store, NotificationOptions options, IHttpClientFactory http, TimeProvider clock,
    ILogger<NotificationDeliveries> logger)
{
    public const string HttpClientName = "notification-webhooks";
    public const string SecretHeader = "X-MesTms-Secret";

    readonly SemaphoreSlim kicked = new(0, 1);
    readonly ConcurrentDictionary<string, bool> shookHands = new(StringComparer.Ordinal);

    public bool Enabled => options.Subscribers.Count > 0;

    /// <summary>The deliveries a new notification starts with: one per subscriber that wants its type.</summary>
    public IReadOnlyList<NotificationDelivery> For(string type, DateTimeOffset now) => options.Subscribers
        .Where(s => s.Value.Wants(type)).OrderBy(s => s.Key, StringComparer.Ordinal)
        .Select(s => new NotificationDelivery(s.Key, NotificationDelivery.Pending, 0, now)).ToList();

    /// <summary>Wakes the delivery loop now (a notification was just stored).</summary>
    public void Kick()
    {
        try
        {
            kicked.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Waits for a kick or for <paramref name="most"/>.</summary>
    public async Task WaitAsync(TimeSpan most, CancellationToken cancellationToken)
    {
        try
        {
            await kicked.WaitAsync(most, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Attempts every delivery that is due. Returns how many attempts were made.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return 0;
        }

        var pending = new List<PlannerNotification>();
        using (FeedIterator<PlannerNotification> iterator = store.Notifications.GetItemQueryIterator<PlannerNotification>(
            new QueryDefinition("SELECT * FROM c WHERE c.deliveryPending = true")))
        {
            while (iterator.HasMoreResults)
            {
                pending.AddRange(await iterator.ReadNextAsync(cancellationToken));
            }
        }

        int attempts = 0;
        foreach (PlannerNotification notification in pending.OrderBy(n => n.Time))
        {
            attempts += await DeliverAsync(notification, cancellationToken);
        }

        return attempts;
    }

    async Task<int> DeliverAsync(PlannerNotification notification, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        var outcomes = new Dictionary<string, NotificationDelivery>(StringComparer.Ordinal);
        foreach (NotificationDelivery delivery in notification.Deliveries ?? [])
        {
            if (delivery.Status != NotificationDelivery.Pending || delivery.NextAttemptAt > now)
            {
                continue;
            }

            string? error = options.Subscribers.TryGetValue(delivery.Subscriber, out NotificationSubscriber? subscriber)
                ? await SendAsync(delivery.Subscriber, subscriber, notification, cancellationToken)
                : "the subscriber is no longer configured";
            DateTimeOffset at = clock.GetUtcNow();
            outcomes[delivery.Subscriber] = error is null
                ? delivery with { Status = NotificationDelivery.Delivered, Attempts = delivery.Attempts + 1, DeliveredAt = at, LastError = null }
                : Failed(delivery, error, at, subscriber is null);
            if (error is not null)
            {
                logger.LogWarning("Notification {Id} to {Subscriber}: attempt {Attempt} failed: {Error}", notification.Id, delivery.Subscriber, delivery.Attempts + 1, error);
            }
        }

        if (outcomes.Count == 0)
        {
            return 0;
        }

        await OptimisticUpdate.ApplyAsync<PlannerNotification>(store.Notifications, notification.Id, new PartitionKey(notification.Id), current =>
        {
            // Decided afresh on every attempt: only a delivery still where this sweep found it takes this sweep's outcome.
            if (current?.Deliveries is not { } deliveries)
            {
                return current!;
            }

            List<NotificationDelivery> merged = deliveries.Select(d => outcomes.TryGetValue(d.Subscriber, out NotificationDelivery? outcome)
                && d.Status == NotificationDelivery.Pending && d.Attempts == outcome.Attempts - 1 ? outcome : d).ToList();
            return current with { Deliveries = merged, DeliveryPending = merged.Any(d => d.Status == NotificationDelivery.Pending) ? true : null };
        }, cancellationToken);
        return outcomes.Count;
    }

    NotificationDelivery Failed(NotificationDelivery delivery, string error, DateTimeOffset at, bool final)
    {
        int attempts = delivery.Attempts + 1;
        if (final || attempts >= options.DeliveryAttempts)
        {
            return delivery with { Status = NotificationDelivery.DeadLettered, Attempts = attempts, LastError = error };
        }

        TimeSpan wait = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryAfter.Ticks * (1L << Math.Min(20, attempts - 1))));
        return delivery with { Attempts = attempts, NextAttemptAt = at + wait, LastError = error };
    }

    /// <returns>Null when the subscriber took the notification (2xx), otherwise why not.</returns>
    async Task<string?> SendAsync(string name, NotificationSubscriber subscriber, PlannerNotification notification, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(subscriber.Endpoint, UriKind.Absolute, out Uri? endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            return $"{NotificationOptions.Section}:Subscribers:{name}:Endpoint '{subscriber.Endpoint}' is not an http(s) address";
        }

        HttpClient client = http.CreateClient(HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.DeliveryTimeout);
        try
        {
            if (!shookHands.ContainsKey(name))
            {
                using var handshake = new HttpRequestMessage(HttpMethod.Options, endpoint);
                handshake.Headers.Add("WebHook-Request-Origin", options.WebhookOrigin);
                using HttpResponseMessage answer = await client.SendAsync(handshake, timeout.Token);
                string? allowed = answer.Headers.TryGetValues("WebHook-Allowed-Origin", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
                if (!answer.IsSuccessStatusCode || (allowed != "*" && !string.Equals(allowed, options.WebhookOrigin, StringComparison.OrdinalIgnoreCase)))
                {
                    return $"webhook handshake refused: OPTIONS answered {(int)answer.StatusCode} with WebHook-Allowed-Origin {(allowed is null ? "missing" : $"'{allowed}'")}, expected '{options.WebhookOrigin}' or '*'";
                }

                shookHands[name] = true;
            }

            using var post = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(CloudEventJson(notification), Encoding.UTF8) };
            post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json") { CharSet = "utf-8" };
            if (!string.IsNullOrEmpty(subscriber.Secret))
            {
                post.Headers.Add(SecretHeader, subscriber.Secret);
            }

            using HttpResponseMessage response = await client.SendAsync(post, timeout.Token);
            if (response.StatusCode is HttpStatusCode.Gone or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                shookHands.TryRemove(name, out _);
            }

            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return e is OperationCanceledException ? $"no answer within {options.DeliveryTimeout.TotalSeconds:0.#} s" : e.Message;
        }
    }

    /// <summary>The notification as a structured-mode CloudEvent (the same fields the planner topic gets).</summary>
    public string CloudEventJson(PlannerNotification notification)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", notification.Id);
            writer.WriteString("type", notification.Type);
            writer.WriteString("source", options.Source);
            writer.WriteString("subject", notification.Subject);
            writer.WriteString("time", notification.Time);
            writer.WriteString("datacontenttype", "application/json");
            writer.WritePropertyName("data");
            notification.Data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>Runs the deliveries in a host with background services: at once when a notification is stored, and every sweep interval.</summary>
public sealed class NotificationDeliveryWorker(IServiceProvider services, NotificationOptions options, ILogger<NotificationDeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NotificationDeliveries deliveries = services.GetRequiredService<NotificationDeliveries>();
        if (!deliveries.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await deliveries.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Notification delivery sweep failed; the next one tries again");
            }

            await deliveries.WaitAsync(options.SweepInterval, stoppingToken);
        }
    }
}
