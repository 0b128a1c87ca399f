using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace MesTms.LocalHost.Emulators;

/// <summary>Where the emulators listen once started.</summary>
public sealed record EmulatorEndpoints(string CosmosEndpoint, int BlobPort, int QueuePort, int TablePort)
{
    /// <summary>The Cosmos emulator's well-known key (the same one the official emulator uses).</summary>
    public const string CosmosKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    const string AccountName = "devstoreaccount1";
    const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string StorageConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";
}

/// <summary>What to start and where.</summary>
public sealed record EmulatorSettings
{
    /// <summary>Folder with package.json, the lockfile and the launchers (tests/emulators in the repository).</summary>
    public required string Directory { get; init; }

    /// <summary>Cosmos emulator port; 0 picks a free one.</summary>
    public int CosmosPort { get; init; }

    /// <summary>Azurite blob port (queue and table follow); 0 picks free ones.</summary>
    public int AzuritePort { get; init; }

    /// <summary>Keep data on disk here (persistent local runs); null keeps everything in memory (tests).</summary>
    public string? DataDirectory { get; init; }
}

/// <summary>
/// Starts Azurite and the Cosmos emulator as child processes (installing them with <c>npm ci</c> first when
/// needed), waits until both answer, and stops them on dispose. Children also exit by themselves when this
/// process dies, because they watch the stdin pipe we hold.
/// </summary>
public sealed class LocalEmulators : IAsyncDisposable
{
    static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>Restarts allowed per child within <see cref="RestartWindow"/> before the emulators are given up on.</summary>
    public const int MaxRestarts = 5;

    public static readonly TimeSpan RestartWindow = TimeSpan.FromMinutes(10);

    const int OutputTailLines = 40;

    readonly Dictionary<string, Process> children = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<DateTimeOffset>> restarts = new(StringComparer.Ordinal);
    volatile bool disposing;

    LocalEmulators(EmulatorEndpoints endpoints) => Endpoints = endpoints;

    public EmulatorEndpoints Endpoints { get; private set; }

    /// <summary>Where supervision reports a child that died (and its restart). Set by the host once its logging is up.</summary>
    public Action<string, bool>? Report { get; set; }

    /// <summary>A child emulator died and was started again on the same port (in-memory data is then gone).</summary>
    public event Func<string, Task>? Restarted;

    /// <summary>A child emulator died and could not be restarted (or died too often): the host should stop.</summary>
    public event Action<string>? Failed;

    /// <summary>The process id of each running child ("azurite", "cosmos").</summary>
    public IReadOnlyDictionary<string, int> ProcessIds
    {
        get
        {
            lock (children)
            {
                return children.ToDictionary(c => c.Key, c => c.Value.Id, StringComparer.Ordinal);
            }
        }
    }

    public static async Task<LocalEmulators> StartAsync(EmulatorSettings settings, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        log ??= _ => { };
        await EnsureInstalledAsync(settings.Directory, log, cancellationToken);

        int cosmosPort = settings.CosmosPort == 0 ? FreePort() : settings.CosmosPort;
        int blobPort = settings.AzuritePort == 0 ? FreePort() : settings.AzuritePort;
        int queuePort = settings.AzuritePort == 0 ? FreePort() : settings.AzuritePort + 1;
        int tablePort = settings.AzuritePort == 0 ? FreePort() : settings.AzuritePort + 2;
        // A host stopped a moment ago may still be closing its emulators: give fixed ports a few seconds to free up.
        foreach ((string name, int port) in new[] { ("LocalHost:CosmosPort", cosmosPort), ("LocalHost:AzuritePort", blobPort), ("LocalHost:AzuritePort+1", queuePort), ("LocalHost:AzuritePort+2", tablePort) })
        {
            await WaitForFreePortAsync(name, port, cancellationToken);
        }

        var emulators = new LocalEmulators(new EmulatorEndpoints($"https://127.0.0.1:{cosmosPort}/", blobPort, queuePort, tablePort));
        try
        {
            var azuriteArgs = new List<string>
            {
                Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js"),
                "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                "--blobPort", blobPort.ToString(), "--queuePort", queuePort.ToString(), "--tablePort", tablePort.ToString(),
            };
            var cosmosArgs = new List<string> { "cosmos-emulator.js", "--host", "127.0.0.1", "--port", cosmosPort.ToString() };
            if (settings.DataDirectory is { } data)
            {
                Directory.CreateDirectory(Path.Combine(data, "azurite"));
                azuriteArgs.AddRange(["--location", Path.Combine(data, "azurite")]);
                cosmosArgs.AddRange(["--data", Path.Combine(data, "cosmos", "journal.jsonl")]);
            }
            else
            {
                azuriteArgs.Add("--inMemoryPersistence");
            }

            // Azurite fsyncs every queue message: see exit-with-parent.js for why skipping that is safe here.
            Task azurite = emulators.StartNodeAsync(new ChildSpec(settings.Directory, "azurite", azuriteArgs, null, [blobPort, queuePort, tablePort],
                new Dictionary<string, string> { ["EMULATOR_SKIP_FSYNC"] = "1" }), log, cancellationToken);
            Task cosmos = emulators.StartNodeAsync(new ChildSpec(settings.Directory, "cosmos", cosmosArgs, "cosmos emulator ready", [cosmosPort], null), log, cancellationToken);
            await Task.WhenAll(azurite, cosmos);
            return emulators;
        }
        catch
        {
            await emulators.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>npm ci</c> unless node_modules matches the lockfile. Serialised across processes by a lock file.</summary>
    public static async Task EnsureInstalledAsync(string directory, Action<string> log, CancellationToken cancellationToken = default)
    {
        string lockFile = Path.Combine(directory, "package-lock.json");
        if (!File.Exists(lockFile))
        {
            throw new InvalidOperationException($"No package-lock.json in {directory}: is this the emulators folder of the repository?");
        }

        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            using FileStream guard = await AcquireFileLockAsync(Path.Combine(directory, ".install.lock"), cancellationToken);
            string marker = Path.Combine(directory, "node_modules", ".package-lock.json");
            if (File.Exists(marker) && File.GetLastWriteTimeUtc(marker) >= File.GetLastWriteTimeUtc(lockFile) &&
                File.Exists(Path.Combine(directory, "node_modules", "azurite", "dist", "src", "azurite.js")))
            {
                return;
            }

            log("Installing the emulators (npm ci in tests/emulators, about a minute the first time)...");
            var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                start.ArgumentList.Add(arg);
            }

            using Process npm = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm: is Node.js installed?");
            Task<string> stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            Task<string> stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
            await npm.WaitForExitAsync(cancellationToken);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {directory} (exit {npm.ExitCode}):{Environment.NewLine}{await stdout}{await stderr}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>How to start one child emulator (kept to restart it on the same ports).</summary>
    sealed record ChildSpec(string Directory, string Name, IReadOnlyList<string> Args, string? ReadyLine, int[] Ports, IReadOnlyDictionary<string, string>? Environment);

    async Task StartNodeAsync(ChildSpec spec, Action<string> log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = spec.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach ((string key, string value) in spec.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        start.ArgumentList.Add("exit-with-parent.js");
        foreach (string arg in spec.Args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {spec.Name}: is Node.js installed?");
        lock (children)
        {
            children[spec.Name] = process;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new Queue<string>();
        string Tail()
        {
            lock (output)
            {
                return string.Join(Environment.NewLine, output);
            }
        }

        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.Enqueue(line);
                while (output.Count > OutputTailLines)
                {
                    output.Dequeue();
                }
            }
        }

        var started = new StrongBox<bool>(false);
        process.OutputDataReceived += (_, e) =>
        {
            Keep(e.Data);
            if (spec.ReadyLine is not null && e.Data is not null && e.Data.Contains(spec.ReadyLine, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            if (!started.Value)
            {
                ready.TrySetException(new InvalidOperationException($"{spec.Name} exited during start-up (exit {process.ExitCode}):{Environment.NewLine}{Tail()}"));
            }
            else if (!disposing)
            {
                _ = Task.Run(() => RestartAsync(spec, process.ExitCode, Tail(), log));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            if (spec.ReadyLine is not null)
            {
                await ready.Task.WaitAsync(timeout.Token);
            }

            foreach (int port in spec.Ports)
            {
                await WaitForPortAsync(port, ready.Task, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{spec.Name} did not answer within 60 s:{Environment.NewLine}{Tail()}");
        }

        started.Value = true;
        if (process.HasExited && !disposing)
        {
            // Died between answering and being marked started: supervise it all the same.
            _ = Task.Run(() => RestartAsync(spec, process.ExitCode, Tail(), log));
        }

        log($"{spec.Name} is listening on 127.0.0.1:{string.Join(",", spec.Ports)}");
    }

    /// <summary>
    /// A child died while the host was running: say so loudly (with its last output) and start it again on the same
    /// ports, at most <see cref="MaxRestarts"/> times in <see cref="RestartWindow"/>; after that, or if it will not
    /// start, report <see cref="Failed"/> so the host stops with a clear message instead of answering 503 forever.
    /// </summary>
    async Task RestartAsync(ChildSpec spec, int exitCode, string tail, Action<string> log)
    {
        string died = $"The {spec.Name} emulator (127.0.0.1:{string.Join(",", spec.Ports)}) exited unexpectedly with code {exitCode}. " +
            $"Its last output:{Environment.NewLine}{tail}";
        Report?.Invoke(died, true);
        bool tooOften;
        lock (restarts)
        {
            List<DateTimeOffset> recent = restarts.TryGetValue(spec.Name, out List<DateTimeOffset>? r) ? r : restarts[spec.Name] = [];
            DateTimeOffset now = DateTimeOffset.UtcNow;
            recent.RemoveAll(t => now - t > RestartWindow);
            recent.Add(now);
            tooOften = recent.Count > MaxRestarts;
        }

        if (tooOften)
        {
            Failed?.Invoke($"The {spec.Name} emulator died {MaxRestarts + 1} times within {RestartWindow.TotalMinutes:0} minutes; giving up. {died}");
            return;
        }

        try
        {
            foreach (int port in spec.Ports)
            {
                await WaitForFreePortAsync($"port {port}", port, CancellationToken.None);
            }

            if (disposing)
            {
                return;
            }

            await StartNodeAsync(spec, log, CancellationToken.None);
            Report?.Invoke($"The {spec.Name} emulator was restarted on 127.0.0.1:{string.Join(",", spec.Ports)}.", false);
            if (Restarted is { } restarted)
            {
                await restarted(spec.Name);
            }
        }
        catch (Exception e) when (!disposing)
        {
            Failed?.Invoke($"The {spec.Name} emulator could not be restarted: {e.Message}. {died}");
        }
    }

    static async Task WaitForPortAsync(int port, Task failed, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (failed.IsFaulted)
            {
                await failed;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    static async Task WaitForFreePortAsync(string setting, int port, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return;
            }
            catch (SocketException) when (attempt < 40)
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException(
                    $"Port {port} on 127.0.0.1 is in use (is another local host or emulator running?). Stop it, or choose another port with --{setting.Split('+')[0]}=<port>.");
            }
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        disposing = true;
        List<Process> toStop;
        lock (children)
        {
            toStop = [.. children.Values];
            children.Clear();
        }

        foreach (Process process in toStop)
        {
            try
            {
                if (!process.HasExited)
                {
                    // Closing stdin asks for a graceful shutdown (Azurite saves its metadata); kill if it takes too long.
                    process.StandardInput.Close();
                    try
                    {
                        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                    }
                    catch (TimeoutException)
                    {
                        process.Kill(entireProcessTree: true);
                        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                    }
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
            }
            finally
            {
                process.Dispose();
            }
        }
    }

    /// <summary>The repository root (the folder with MesTmsFunctions.sln), searched upwards from here and from the binaries.</summary>
    public static string FindRepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MesTmsFunctions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find MesTmsFunctions.sln above the current directory or the binaries: run from the repository.");
    }
}
