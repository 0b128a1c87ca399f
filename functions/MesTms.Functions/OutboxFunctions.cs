using MesTms.Pipeline.Edi;
using MesTms.Pipeline.Events;
using MesTms.Pipeline.Hosting;
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

/// <summary>Purges ended workflows older than <c>MesTms:Workflows:Retention</c> (30 days) every hour (<see cref="CompletedWorkflowPurge"/>).</summary>
public sealed class RetentionFunctions(CompletedWorkflowPurge purge)
{
    [Function("PurgeEndedWorkflows")]
    public Task PurgeAsync([TimerTrigger("0 17 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken) =>
        purge.PurgeAsync(durable, cancellationToken);
}

/// <summary>Reads the drop folders of EDI carriers that trade files every 30 seconds (<see cref="EdiDropFolders"/>).</summary>
public sealed class EdiFunctions(EdiDropFolders folders)
{
    [Function("ReadEdiDropFolders")]
    public async Task ReadAsync([TimerTrigger("*/30 * * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (folders.Enabled)
        {
            await folders.SweepAsync(durable, cancellationToken);
        }
    }
}
