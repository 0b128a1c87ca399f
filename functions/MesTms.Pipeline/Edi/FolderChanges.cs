namespace MesTms.Pipeline.Edi;

/// <summary>
/// Wakes a drop-folder reader as soon as a file lands in one of its folders (change notices through
/// <see cref="FileSystemWatcher"/>), and at the latest after its polling interval, so a share that sends no change notices
/// is still read. A carrier's 990 is then read within moments of being dropped rather than at the next sweep, which on a
/// clock running faster than real time (<c>LocalHost:ClockSpeed</c>) would be many minutes of the app's time later. A file
/// renamed into the folder (written whole first, the drop-folder convention) is read at once; one written in place is given
/// <see cref="Settle"/> of quiet first, so a writer still filling it is not read half-way. A <c>.part</c> file is never read,
/// so writing one is no reason to wait: its rename into place wakes the reader at once.
/// </summary>
public sealed class FolderChanges : IDisposable
{
    readonly List<FileSystemWatcher> watchers = [];
    readonly SemaphoreSlim changed = new(0, 1);
    int written;

    /// <summary>How long a file written in place (not renamed in) is left alone after its last change notice.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

    /// <summary>The suffix of a file still being written (drop-folder convention): skipped by readers, renamed when whole.</summary>
    public const string PartSuffix = ".part";

    /// <param name="folders">Created when missing, so they can be watched from the start.</param>
    public FolderChanges(IEnumerable<string> folders)
    {
        foreach (string folder in folders)
        {
            try
            {
                Directory.CreateDirectory(folder);
                var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
                watcher.Created += Written;
                watcher.Changed += Written;
                watcher.Renamed += Wake;
                watcher.EnableRaisingEvents = true;
                watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                // No notices from this folder (a share, no rights, no watcher support): it is still swept every interval.
            }
        }
    }

    /// <summary>How many folders send change notices (the rest are only polled).</summary>
    public int Watched => watchers.Count;

    /// <summary>Returns when a file changed since the last call (at once if one did meanwhile) or after <paramref name="atMost"/>.</summary>
    public async Task WaitAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        if (await changed.WaitAsync(atMost, cancellationToken))
        {
            // Files written in place: wait until they have been quiet for a moment (each new change notice restarts it, up
            // to 20 times: a writer that never stops does not keep the others waiting).
            for (int i = 0; i < 20 && Interlocked.Exchange(ref written, 0) != 0; i++)
            {
                await Task.Delay(Settle, cancellationToken);
            }
        }
    }

    void Written(object? sender, FileSystemEventArgs e)
    {
        if (e.Name?.EndsWith(PartSuffix, StringComparison.Ordinal) == true)
        {
            return;
        }

        Interlocked.Exchange(ref written, 1);
        Wake(sender, e);
    }

    void Wake(object? sender, FileSystemEventArgs e)
    {
        try
        {
            changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one sweep reads everything that arrived.
        }
    }

    public void Dispose()
    {
        foreach (FileSystemWatcher watcher in watchers)
        {
            watcher.Dispose();
        }

        changed.Dispose();
    }
}
