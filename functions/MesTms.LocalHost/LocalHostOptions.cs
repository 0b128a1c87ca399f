using MesTms.LocalHost.Durable;

namespace MesTms.LocalHost;

/// <summary>Settings of the local host, bound from configuration section <c>LocalHost</c> (appsettings.json holds the defaults).</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>Install (npm ci) and start Azurite and the Cosmos emulator as child processes.</summary>
    public bool StartEmulators { get; set; } = true;

    /// <summary>The emulators folder; empty means tests/emulators of the repository.</summary>
    public string? EmulatorsDirectory { get; set; }

    /// <summary>Where emulator data is kept between runs, relative to the repository; empty keeps it in memory.</summary>
    public string? DataDirectory { get; set; } = ".localdata";

    public int CosmosPort { get; set; } = 8081;

    /// <summary>Azurite's blob port; queue and table use the next two.</summary>
    public int AzuritePort { get; set; } = 10000;

    public DurableBackendKind DurableBackend { get; set; } = DurableBackendKind.AzureStorage;

    /// <summary>Durable task hub: 3-45 letters or digits, starting with a letter.</summary>
    public string TaskHub { get; set; } = "MesTmsLocal";

    /// <summary>
    /// The longest the Azure Storage backend waits between polls of an idle queue (it backs off up to this). Each step of an
    /// order is a queue hop, so at a steady trickle of orders this bounds the latency per hop; shorter costs idle polling.
    /// </summary>
    public TimeSpan QueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Port of the in-process Durable gRPC sidecar; 0 picks a free one.</summary>
    public int SidecarPort { get; set; }

    /// <summary>Azure Storage connection string for the durable backend when the emulators are not started here.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>
    /// Starts the app's clock (what activities, the webhook, the planner API and the workflows read as "now") at this
    /// instant; default: the real time. For tests and demos of a given hour or weekday (after the 16:00 pickup cut-off, a
    /// Saturday, the eve of a holiday).
    /// </summary>
    public DateTimeOffset? ClockStart { get; set; }

    /// <summary>
    /// The app's clock runs this many times faster than real time (1-1,000,000; default 1), and every durable wait, carrier
    /// answer, truck arrival and status of the simulated carriers is scaled with it: <c>--LocalHost:ClockSpeed 300</c> plays a
    /// plant day in under five minutes. <c>simulate --live --speed N</c> needs the host at the same speed.
    /// </summary>
    public double ClockSpeed { get; set; } = 1;

    public void Validate()
    {
        if (TaskHub.Length is < 3 or > 45 || !char.IsAsciiLetter(TaskHub[0]) || !TaskHub.All(char.IsAsciiLetterOrDigit))
        {
            throw new InvalidOperationException($"{Section}:TaskHub '{TaskHub}' must be 3-45 letters or digits, starting with a letter.");
        }

        if (QueuePollingInterval < TimeSpan.FromMilliseconds(10) || QueuePollingInterval > TimeSpan.FromSeconds(30))
        {
            throw new InvalidOperationException($"{Section}:QueuePollingInterval must be between 00:00:00.010 and 00:00:30, not {QueuePollingInterval}.");
        }

        foreach ((string name, int port) in new[] { ("CosmosPort", CosmosPort), ("AzuritePort", AzuritePort), ("SidecarPort", SidecarPort) })
        {
            if (port is < 0 or > 65533)
            {
                throw new InvalidOperationException($"{Section}:{name} must be 0-65533, not {port}.");
            }
        }
    }
}
