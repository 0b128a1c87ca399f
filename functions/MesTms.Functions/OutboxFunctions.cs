using MesTms.Pipeline.Events;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace MesTms.Functions;

/// <summary>
/// Sweeps the webhook's outbox every minute: events recorded as waiting to be routed that no instance finished (it
/// stopped after answering) are routed. Webhook calls sweep too; this covers an app that receives no more events.
/// </summary>
public sealed class OutboxFunctions(PendingRoutes pending)
{
    [Function("SweepEventOutbox")]
    public Task SweepAsync([TimerTrigger("0 */1 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken) =>
        pending.SweepAsync(durable, cancellationToken);
}
