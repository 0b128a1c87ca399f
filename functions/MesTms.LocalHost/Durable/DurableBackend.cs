using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.Extensions.Logging;

namespace MesTms.LocalHost.Durable;

/// <summary>Which orchestration store the local sidecar runs on.</summary>
public enum DurableBackendKind
{
    /// <summary>Azure Storage (Azurite locally): persistent, the same provider the Functions app uses in Azure.</summary>
    AzureStorage,

    /// <summary>In memory: fast, lost on exit. For tests.</summary>
    InMemory,
}

/// <summary>Creates the DurableTask.Core orchestration service behind the local gRPC sidecar.</summary>
public static class DurableBackend
{
    /// <summary>Orchestration and activity work items the in-memory backend runs at once.</summary>
    public const int InMemoryConcurrency = 256;

    /// <summary>Orchestration work items the Azure Storage backend (and the local worker) run at once.</summary>
    public const int OrchestrationConcurrency = 256;

    public static async Task<IOrchestrationService> CreateAsync(
        DurableBackendKind kind, string taskHub, string? storageConnectionString, ILoggerFactory loggerFactory, TimeSpan? queuePollingInterval = null)
    {
        if (kind == DurableBackendKind.InMemory)
        {
            // Its own cap is the processor count (2 here), with a 500 ms sleep at the cap: lift it like the Azure Storage one.
            return new SidecarCompatibleOrchestrationService(new InMemoryOrchestrationService(loggerFactory), normalizeSubOrchestrations: false,
                maxConcurrentWorkItems: InMemoryConcurrency);
        }

        if (string.IsNullOrWhiteSpace(storageConnectionString))
        {
            throw new InvalidOperationException("The AzureStorage durable backend needs LocalHost:StorageConnectionString (or LocalHost:StartEmulators=true).");
        }

        var settings = new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            TaskHubName = taskHub,
            LoggerFactory = loggerFactory,
            // Locally, poll often (the default backs off to 30 s: each hop of an order would wait that long at a trickle) and
            // take work back quickly after a crash (the default visibility timeout is 5 min).
            MaxQueuePollingInterval = queuePollingInterval ?? TimeSpan.FromMilliseconds(100),
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(15),
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(15),
            // Room for a burst of orchestration episodes.
            MaxConcurrentTaskOrchestrationWorkItems = OrchestrationConcurrency,
            MaxConcurrentTaskActivityWorkItems = 64,
            // Not extended sessions: they measured faster in a burst (5.5 against 4.3 bookings/s), but with them, in the full
            // suite, an order released on a restarted host waited more than 30 s for its event (not diagnosed further).
            ControlQueueBatchSize = 32,
            // The gRPC sidecar stores tags as a protobuf MapField, which Newtonsoft cannot read back.
            CustomMessageTypeBinder = new ProtobufMapFieldBinder(),
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();
        return new SidecarCompatibleOrchestrationService(service);
    }
}

/// <summary>
/// Serialises protobuf <c>MapField&lt;string,string&gt;</c> (how the sidecar passes orchestration tags) as a plain
/// <c>Dictionary&lt;string,string&gt;</c>, and reads old messages written with the MapField type name the same way.
/// Without it a started orchestration's first message is a poison message.
/// </summary>
public sealed class ProtobufMapFieldBinder : ICustomTypeBinder
{
    const string MapFieldPrefix = "Google.Protobuf.Collections.MapField";

    public void BindToName(Type serializedType, out string assemblyName, out string typeName)
    {
        Type type = serializedType.FullName?.StartsWith(MapFieldPrefix, StringComparison.Ordinal) == true
            ? typeof(Dictionary<string, string>)
            : serializedType;
        assemblyName = type.Assembly.FullName!;
        typeName = type.FullName!;
    }

    public Type? BindToType(string assemblyName, string typeName) =>
        typeName.StartsWith(MapFieldPrefix, StringComparison.Ordinal) ? typeof(Dictionary<string, string>) : null;
}
