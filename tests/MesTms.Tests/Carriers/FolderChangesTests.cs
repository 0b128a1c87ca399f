using MesTms.Pipeline.Edi;

namespace MesTms.Tests.Carriers;

/// <summary>The drop-folder readers wake when a carrier drops a file, not at their next sweep.</summary>
public sealed class FolderChangesTests : IDisposable
{
    /// <summary>Far longer than any change notice takes: a wait that ends before it was woken by the file.</summary>
    static readonly TimeSpan Never = TimeSpan.FromMinutes(10);

    readonly string folder = Path.Combine(Path.GetTempPath(), "mestms-folder-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_file_renamed_into_the_folder_wakes_the_reader_long_before_its_interval()
    {
        string inbound = Path.Combine(folder, "inbound");
        using var changes = new FolderChanges([inbound]);
        Assert.True(Directory.Exists(inbound), "the watched folder is created");
        Assert.Equal(1, changes.Watched);
        Task woken = changes.WaitAsync(Never, CancellationToken.None);
        Assert.False(woken.IsCompleted);

        await File.WriteAllTextAsync(Path.Combine(folder, "990-1.x12.part"), "ISA*...");
        File.Move(Path.Combine(folder, "990-1.x12.part"), Path.Combine(inbound, "990-1.x12"));

        Assert.Same(woken, await Task.WhenAny(woken, Task.Delay(TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public async Task A_file_written_in_place_wakes_the_reader_once_it_is_quiet_and_a_notice_meanwhile_is_not_lost()
    {
        using var changes = new FolderChanges([folder]);
        Task woken = changes.WaitAsync(Never, CancellationToken.None);

        await File.WriteAllTextAsync(Path.Combine(folder, "214-1.x12"), "ISA*...");

        Assert.Same(woken, await Task.WhenAny(woken, Task.Delay(TimeSpan.FromMinutes(1))));
        // A file that arrives while the reader is busy wakes its next wait at once.
        await File.WriteAllTextAsync(Path.Combine(folder, "214-2.x12"), "ISA*...");
        await Task.Delay(FolderChanges.Settle * 4);
        Task next = changes.WaitAsync(Never, CancellationToken.None);
        Assert.Same(next, await Task.WhenAny(next, Task.Delay(TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public async Task A_folder_that_cannot_be_watched_is_still_read_every_interval()
    {
        using var changes = new FolderChanges(["bad\0name"]);

        Assert.Equal(0, changes.Watched);
        await changes.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None);
    }
}
