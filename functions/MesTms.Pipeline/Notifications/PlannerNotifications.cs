using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Identity;
using Azure.Messaging.EventGrid;
using Azure.Messaging;
using Azure;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Notifications;

/// <summary>The CloudEvents <c>type</c> values the bridge sends to planners.</summary>
public static class PlannerNotificationTypes
{
    public const string ShipmentBooked = "mestms.shipment.booked.v1";
    public const string DockAppointmentChanged = "mestms.dock.appointment.changed.v1";
    public const string LoadBuilt = "mestms.load.built.v1";
    public const string QualityHoldEscalated = "mestms.quality.hold.escalated.v1";
    public const string TenderExhausted = "mestms.tender.exhausted.v1";
    public const string TenderWithdrawn = "mestms.tender.withdrawn.v1";
    public const string ShipmentRetendered = "mestms.shipment.retendered.v1";
    public const string ShipmentLate = "mestms.shipment.late.v1";
    public const string ShipmentDeparted = "mestms.shipment.departed.v1";
    public const string ShipmentDelivered = "mestms.shipment.delivered.v1";
    public const string PickupLate = "mestms.shipment.pickup.late.v1";
}

/// <summary>
/// One outbound notification. <see cref="Id"/> is derived from the decision that caused it, so a retried
/// activity sends the same id (receivers de-duplicate on it, and the outbox stores it once).
/// </summary>
public sealed record PlannerNotification
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary>e.g. <c>plants/P1/orders/PO-1</c>.</summary>
    public required string Subject { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required JsonElement Data { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>Where the notification stands with each webhook subscriber that wants its type (none configured: null).</summary>
    public IReadOnlyList<NotificationDelivery>? Deliveries { get; init; }

    /// <summary>True while a delivery is pending (the sweep's query); removed once every one is delivered or dead-lettered.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? DeliveryPending { get; init; }

    /// <summary>
    /// A notification whose data also carries <c>link</c>: the planner API resource it is about (derived from the subject:
    /// <c>plants/{plant}/orders/{id}</c> and <c>plants/{plant}/shipments/{id}</c> → <c>/api/shipments/{id}?plantId={plant}</c>,
    /// <c>plants/{plant}/loads/{id}</c> → <c>/api/loads/{id}</c>), so a receiver can open it without another lookup.
    /// </summary>
    public static PlannerNotification Create<T>(string id, string type, string subject, DateTimeOffset time, T data)
    {
        JsonNode? node = JsonSerializer.SerializeToNode(data, CosmosStore.Json);
        if (node is JsonObject body && LinkFor(subject) is { } link)
        {
            body["link"] = link;
        }

        return new PlannerNotification
        {
            Id = id,
            Type = type,
            Subject = subject,
            Time = time,
            Data = JsonSerializer.SerializeToElement(node, CosmosStore.Json),
        };
    }

    /// <summary>The planner API path of what a subject names, or null.</summary>
    public static string? LinkFor(string subject)
    {
        string[] parts = subject.Split('/');
        if (parts is not ["plants", var plant, var kind, var resource] || plant.Length == 0 || resource.Length == 0)
        {
            return null;
        }

        return kind switch
        {
            "orders" or "shipments" => $"/api/shipments/{Uri.EscapeDataString(resource)}?plantId={Uri.EscapeDataString(plant)}",
            "loads" => $"/api/loads/{Uri.EscapeDataString(resource)}",
            _ => null,
        };
    }
}

/// <summary>Settings of the outbound planner topic, bound from <c>MesTms:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "MesTms:Notifications";

    /// <summary>Event Grid topic endpoint for planner notifications. Empty: notifications are only kept in Cosmos.</summary>
    public string? TopicEndpoint { get; set; }

    /// <summary>Topic access key (local and test topics only; in Azure the managed identity is used).</summary>
    public string? TopicKey { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    /// <summary>CloudEvents <c>source</c> of every notification.</summary>
    public string Source { get; set; } = "/mestms/bridge";

    /// <summary>Plain webhooks that receive the notifications, by name (see <see cref="NotificationSubscriber"/>).</summary>
    public Dictionary<string, NotificationSubscriber> Subscribers { get; set; } = [];

    /// <summary>Attempts per subscriber before the delivery is dead-lettered.</summary>
    public int DeliveryAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; it doubles after each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one attempt (handshake or POST) may take.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often pending deliveries are looked at when nothing new arrives.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The origin the bridge names in the CloudEvents webhook handshake (<c>WebHook-Request-Origin</c>).</summary>
    public string WebhookOrigin { get; set; } = "mestms.bridge";

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach ((string name, NotificationSubscriber subscriber) in Subscribers)
        {
            if (!Uri.TryCreate(subscriber.Endpoint, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
            {
                problems.Add($"{Section}:Subscribers:{name}:Endpoint must be an http(s) address, not '{subscriber.Endpoint}'");
            }
        }

        if (DeliveryAttempts is < 1 or > 50)
        {
            problems.Add($"{Section}:DeliveryAttempts must be 1-50");
        }

        if (RetryAfter < TimeSpan.FromMilliseconds(10) || MaxRetryDelay < RetryAfter || DeliveryTimeout <= TimeSpan.Zero || SweepInterval < TimeSpan.FromMilliseconds(10))
        {
            problems.Add($"{Section}: RetryAfter and SweepInterval must be at least 00:00:00.010, MaxRetryDelay at least RetryAfter, DeliveryTimeout above zero");
        }

        return problems;
    }
}

public interface IPlannerNotifier
{
    Task PublishAsync(PlannerNotification notification, CancellationToken cancellationToken = default);
}

/// <summary>
/// Keeps every notification in the Cosmos outbox (planners and auditors can read it back) and publishes it to
/// the planner topic when one is configured. Publishing the same notification twice is harmless.
/// </summary>
public sealed class PlannerNotifier : IPlannerNotifier
{
    readonly CosmosStore store;
    readonly NotificationOptions options;
    readonly EventGridPublisherClient? publisher;
    readonly ILogger<PlannerNotifier> logger;

    readonly NotificationDeliveries deliveries;
    readonly TimeProvider clock;

    public PlannerNotifier(CosmosStore store, NotificationOptions options, NotificationDeliveries deliveries, TimeProvider clock, ILogger<PlannerNotifier> logger)
    {
        this.store = store;
        this.options = options;
        this.deliveries = deliveries;
        this.clock = clock;
        this.logger = logger;
        if (!string.IsNullOrWhiteSpace(options.TopicEndpoint))
        {
            var endpoint = new Uri(options.TopicEndpoint);
            publisher = string.IsNullOrEmpty(options.TopicKey)
                ? new EventGridPublisherClient(endpoint, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId }))
                : new EventGridPublisherClient(endpoint, new AzureKeyCredential(options.TopicKey));
        }
    }

    public async Task PublishAsync(PlannerNotification notification, CancellationToken cancellationToken = default)
    {
        if (deliveries.Enabled && notification.Deliveries is null && deliveries.For(notification.Type, clock.GetUtcNow()) is { Count: > 0 } subscribers)
        {
            notification = notification with { Deliveries = subscribers, DeliveryPending = true };
        }

        try
        {
            await store.Notifications.CreateItemAsync(notification, new PartitionKey(notification.Id), cancellationToken: cancellationToken);
            deliveries.Kick();
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Already in the outbox: this is a retry. Publishing again below is safe (same CloudEvent id).
        }

        if (publisher is not null)
        {
            var cloudEvent = new CloudEvent(options.Source, notification.Type, BinaryData.FromString(notification.Data.GetRawText()), "application/json")
            {
                Id = notification.Id,
                Subject = notification.Subject,
                Time = notification.Time,
            };
            await publisher.SendEventAsync(cloudEvent, cancellationToken);
        }

        logger.LogInformation("Planner notification {Type} {Subject} ({Id})", notification.Type, notification.Subject, notification.Id);
    }
}
