using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MesTms.LocalHost.Emulators;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// The real local host process, killed with SIGKILL while orders are in flight, then started again on the same
/// data directory: every accepted order still reaches ReadyToShip, and the emulators do not outlive the host.
/// </summary>
public sealed class LocalHostKillTests
{
    [Fact]
    public async Task Orders_in_flight_when_the_host_is_killed_finish_after_a_restart()
    {
        string root = LocalEmulators.FindRepositoryRoot();
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string hostDll = Path.Combine(root, "functions", "MesTms.LocalHost", "bin", configuration, "net10.0", "MesTms.LocalHost.dll");
        Assert.True(File.Exists(hostDll), $"{hostDll} is built with the solution");
        string data = Path.Combine(Path.GetTempPath(), EmulatorFixture.UniqueName("killtest"));
        string run = Guid.NewGuid().ToString("N")[..6];
        List<string> orders = Enumerable.Range(0, 120).Select(i => $"KT-{run}-{i:000}").ToList();

        try
        {
            int port = LocalEmulators.FreePort();
            Process first = StartHost(hostDll, data, port);
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
                await WaitUntilUpAsync(http, first);
                foreach (string[] batch in orders.Chunk(30))
                {
                    string body = new JsonArray(batch.Select(o => (JsonNode)MesEvents.Completed(o)).ToArray()).ToJsonString();
                    HttpResponseMessage accepted = await http.PostAsync("api/events/mes", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
                    Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
                }
            }
            finally
            {
                first.Kill(); // SIGKILL: no shutdown code runs in the host
                await first.WaitForExitAsync();
            }

            port = LocalEmulators.FreePort();
            Process second = StartHost(hostDll, data, port);
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
                await WaitUntilUpAsync(http, second);
                DateTime deadline = DateTime.UtcNow.AddMinutes(3);
                var pending = new HashSet<string>(orders);
                while (pending.Count > 0 && DateTime.UtcNow < deadline)
                {
                    foreach (string order in pending.ToList())
                    {
                        HttpResponseMessage response = await http.GetAsync($"api/shipments/{order}");
                        if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"readyAt\":", StringComparison.Ordinal))
                        {
                            pending.Remove(order);
                        }
                    }

                    await Task.Delay(pending.Count > 0 ? 500 : 0);
                }

                Assert.Empty(pending);
            }
            finally
            {
                second.StandardInput.Close();
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }
        }
        finally
        {
            await Task.Delay(1000); // let the emulators of the killed host finish their graceful exit
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    static Process StartHost(string hostDll, string data, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        foreach (string arg in new[]
        {
            hostDll, "--urls", $"http://127.0.0.1:{port}", "--LocalHost:CosmosPort=0", "--LocalHost:AzuritePort=0",
            $"--LocalHost:DataDirectory={data}", "--LocalHost:TaskHub=KillTest", "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (TestClock.Shifted)
        {
            start.ArgumentList.Add($"--LocalHost:ClockStart={TestClock.Now:O}");
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static async Task WaitUntilUpAsync(HttpClient http, Process host)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(host.HasExited, $"The local host exited during start-up (exit {(host.HasExited ? host.ExitCode : 0)}).");
            try
            {
                if ((await http.GetAsync("api/events/rejected")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The local host did not answer within 90 s.");
    }
}
