using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace MesTms.Tests.Fixtures;

/// <summary>
/// A request handler in the Cosmos SDK's pipeline that notes every request the app makes (operation and container), so a
/// test can count the storage round trips one order costs.
/// </summary>
public sealed class CosmosRequestLog : RequestHandler
{
    readonly ConcurrentQueue<string> requests = new();

    public IReadOnlyList<string> Requests => [.. requests];

    public void Clear() => requests.Clear();

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        ResponseMessage response = await base.SendAsync(request, cancellationToken);
        string container = MesTms.Pipeline.Telemetry.CosmosTelemetryHandler.ContainerOf(request);
        string operation = request.Method.Method + (request.Headers["x-ms-documentdb-isquery"] is "True" or "true" ? " query" : "");
        requests.Enqueue($"{operation} {container} {(int)response.StatusCode}{(response.StatusCode == HttpStatusCode.NotFound ? " (not found)" : "")}");
        return response;
    }
}
