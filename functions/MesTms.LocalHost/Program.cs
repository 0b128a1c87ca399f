using MesTms.LocalHost;
using MesTms.LocalHost.Simulate;

// dotnet run --project functions/MesTms.LocalHost [--urls http://127.0.0.1:7071]
// Starts the emulators (installing them on first use), the Durable sidecar on Azurite and the HTTP API.
// Ctrl-C stops everything, child processes included.
// dotnet run --project functions/MesTms.LocalHost -- simulate --scenario FILE [--json OUT] [--report OUT.html] ...
// Replays a plant day under event-driven booking and batch planning in virtual time (no emulators, no Durable).
if (args is ["simulate", .. var simulateArgs])
{
    return await SimulateCommand.RunAsync(simulateArgs, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
}

await using LocalApp app = await LocalApp.StartAsync(args);
await app.WaitForShutdownAsync();
return 0;
