using MesTms.LocalHost;

// dotnet run --project functions/MesTms.LocalHost [--urls http://127.0.0.1:7071]
// Starts the emulators (installing them on first use), the Durable sidecar on Azurite and the HTTP API.
// Ctrl-C stops everything, child processes included.
await using LocalApp app = await LocalApp.StartAsync(args);
await app.WaitForShutdownAsync();
