using System.Net;
using System.Text.Json;
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
    public const string ShipmentLate = "mestms.shipment.late.v1";
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

    public static PlannerNotification Create<T>(string id, string type, string subject, DateTimeOffset time, T data) => new()
    {
        Id = id,
        Type = type,
        Subject = subject,
        Time = time,
        Data = JsonSerializer.SerializeToElement(data, CosmosStore.Json),
    };
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

    public PlannerNotifier(CosmosStore store, NotificationOptions options, ILogger<PlannerNotifier> logger)
    {
        this.store = store;
        this.options = options;
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
        try
        {
            await store.Notifications.CreateItemAsync(notification, new PartitionKey(notification.Id), cancellationToken: cancellationToken);
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
