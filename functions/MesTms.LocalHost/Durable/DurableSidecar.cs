using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace MesTms.LocalHost.Durable;

/// <summary>
/// The Durable Task gRPC sidecar (the protocol the Functions host speaks to isolated workers), served over any
/// DurableTask.Core orchestration service on a loopback HTTP/2 port.
/// </summary>
public sealed class DurableSidecar : IAsyncDisposable
{
    readonly WebApplication app;

    DurableSidecar(WebApplication app, string address)
    {
        this.app = app;
        Address = address;
    }

    public string Address { get; }

    public static async Task<DurableSidecar> StartAsync(IOrchestrationService service, int port, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        if (service is not IOrchestrationServiceClient client)
        {
            throw new ArgumentException("The orchestration service must also be its client.", nameof(service));
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 16 * 1024 * 1024);
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        WebApplication app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        return new DurableSidecar(app, $"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await app.DisposeAsync();
    }
}
