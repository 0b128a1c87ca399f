using DurableTask.Core;
using MesTms.LocalHost.Durable;
using MesTms.LocalHost.Emulators;
using MesTms.Tests.Fixtures;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MesTms.Tests.Integration;

/// <summary>
/// The local host's persistent Durable path (gRPC sidecar over Azure Storage on Azurite) runs sub-orchestrations,
/// which the load and consolidation workflows rely on.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class SidecarSubOrchestrationTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task A_parent_orchestration_gets_its_sub_orchestrations_results_on_the_persistent_backend()
    {
        ILoggerFactory logging = NullLoggerFactory.Instance;
        IOrchestrationService service = await DurableBackend.CreateAsync(
            DurableBackendKind.AzureStorage, EmulatorFixture.UniqueName("sub"), emulators.Endpoints.StorageConnectionString, logging);
        await using DurableSidecar sidecar = await DurableSidecar.StartAsync(service, LocalEmulators.FreePort(), logging);
        var channel = Grpc.Net.Client.GrpcChannel.ForAddress(sidecar.Address);
        using IHost worker = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(services =>
            {
                services.AddDurableTaskWorker(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.AddTasks(registry =>
                    {
                        registry.AddOrchestratorFunc<int, int>("Parent", async (context, input) =>
                        {
                            int[] doubled = await Task.WhenAll(Enumerable.Range(1, input)
                                .Select(i => context.CallSubOrchestratorAsync<int>("Child", i, new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-child-{i}" })));
                            return doubled.Sum();
                        });
                        registry.AddOrchestratorFunc<int, int>("Child", (context, input) => Task.FromResult(input * 2));
                    });
                });
                services.AddDurableTaskClient(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.RegisterDirectly();
                });
            })
            .Build();
        await worker.StartAsync();
        DurableTaskClient client = worker.Services.GetRequiredService<DurableTaskClient>();

        string id = await client.ScheduleNewOrchestrationInstanceAsync("Parent", 3);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(12, done.ReadOutputAs<int>());
        await worker.StopAsync();
    }
}
