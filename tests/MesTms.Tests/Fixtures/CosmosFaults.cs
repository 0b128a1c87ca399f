using System.Net;
using Microsoft.Azure.Cosmos;

namespace MesTms.Tests.Fixtures;

/// <summary>
/// A request handler in the Cosmos SDK's own pipeline that answers some requests itself, as a busy or contended account
/// would: 429 Too Many Requests (with a retry-after) on a share of item reads and writes, and 412 Precondition Failed on a
/// share of ETag-guarded replaces (another writer got there first). Deterministic for a seed. It sits above the SDK's
/// retry handler, so the app's own handling (ETag re-read, 503 to Event Grid, activity retries) is what is tested.
/// </summary>
public sealed class CosmosFaults(double throttleShare, double conflictShare, int seed = 11) : RequestHandler
{
    readonly Random random = new(seed);
    int throttled;
    int conflicted;

    public int Throttled => Volatile.Read(ref throttled);

    public int Conflicted => Volatile.Read(ref conflicted);

    /// <summary>Off while a test sets things up or checks results.</summary>
    public bool Enabled { get; set; } = true;

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        bool item = request.RequestUri?.OriginalString.Contains("/docs", StringComparison.Ordinal) == true;
        double draw;
        lock (random)
        {
            draw = random.NextDouble();
        }

        if (Enabled && item && draw < throttleShare)
        {
            Interlocked.Increment(ref throttled);
            var busy = new ResponseMessage((HttpStatusCode)429, request, "injected: request rate is large");
            busy.Headers["x-ms-retry-after-ms"] = "20";
            return busy;
        }

        if (Enabled && item && request.Method == HttpMethod.Put && request.Headers["If-Match"] is not null && draw < throttleShare + conflictShare)
        {
            Interlocked.Increment(ref conflicted);
            return new ResponseMessage(HttpStatusCode.PreconditionFailed, request, "injected: the ETag no longer matches");
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
