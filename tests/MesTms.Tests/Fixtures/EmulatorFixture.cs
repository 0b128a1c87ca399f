using MesTms.LocalHost.Emulators;

namespace MesTms.Tests.Fixtures;

/// <summary>
/// Starts Azurite and the Cosmos emulator once for the whole test run (in memory, on free loopback ports) and
/// stops them at the end. Tests isolate themselves with their own database and task hub names.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    LocalEmulators? emulators;

    public EmulatorEndpoints Endpoints => emulators?.Endpoints ?? throw new InvalidOperationException("Emulators not started.");

    public async Task InitializeAsync()
    {
        string directory = Path.Combine(LocalEmulators.FindRepositoryRoot(), "tests", "emulators");
        emulators = await LocalEmulators.StartAsync(new EmulatorSettings { Directory = directory, DataDirectory = null });
    }

    public async Task DisposeAsync()
    {
        if (emulators is not null)
        {
            await emulators.DisposeAsync();
        }
    }

    /// <summary>A database or task hub name no other test uses.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "emulators";
}
