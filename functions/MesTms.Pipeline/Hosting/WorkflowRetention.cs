using MesTms.Pipeline.Time;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Hosting;

/// <summary>How long ended workflows are kept, bound from <c>MesTms:Workflows</c>.</summary>
public sealed class WorkflowOptions
{
    public const string Section = "MesTms:Workflows";

    /// <summary>
    /// A workflow that ended (a delivered shipment or load, a cancelled load; or one that failed or was terminated) is
    /// purged from the Durable backend this long (on the app's clock) after it started. Its Cosmos documents stay.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the local host looks for workflows to purge (the Functions app: hourly timer).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Retention < TimeSpan.FromSeconds(1) || Retention > TimeSpan.FromDays(3650))
        {
            problems.Add($"{Section}:Retention must be between 00:00:01 and 3650.00:00:00");
        }

        if (SweepInterval < TimeSpan.FromMilliseconds(100) || SweepInterval > TimeSpan.FromDays(1))
        {
            problems.Add($"{Section}:SweepInterval must be between 00:00:00.1 and 1.00:00:00");
        }

        return problems;
    }
}

/// <summary>Purges ended workflows older than <see cref="WorkflowOptions.Retention"/>, so the backend's history stays bounded.</summary>
public sealed class CompletedWorkflowPurge(WorkflowOptions options, TimeProvider clock, WorkflowClockSource workflows, ILogger<CompletedWorkflowPurge> logger)
{
    static readonly OrchestrationRuntimeStatus[] Ended = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <returns>How many instances were purged.</returns>
    public async Task<int> PurgeAsync(DurableTaskClient durable, CancellationToken cancellationToken = default)
    {
        // The backend stamps instances in real time; the retention is measured on the app's clock.
        DateTimeOffset startedBefore = workflows.Current.ToReal(clock.GetUtcNow() - options.Retention);
        PurgeResult result = await durable.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UnixEpoch, startedBefore, Ended), cancellationToken);
        if (result.PurgedInstanceCount > 0)
        {
            logger.LogInformation("Purged {Count} ended workflow(s) started before {Before:u}", result.PurgedInstanceCount, startedBefore);
        }

        return result.PurgedInstanceCount;
    }
}

/// <summary>Runs <see cref="CompletedWorkflowPurge"/> on a timer where the host gives services a Durable client (the local host).</summary>
public sealed class WorkflowRetentionSweeper(IServiceProvider services, CompletedWorkflowPurge purge, WorkflowOptions options, ILogger<WorkflowRetentionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DurableTaskClient? durable;
        try
        {
            durable = services.GetService<DurableTaskClient>();
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "No Durable client for the retention sweeper in this host");
            return;
        }

        while (durable is not null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await purge.PurgeAsync(durable, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Purging ended workflows failed; the next sweep tries again");
            }

            try
            {
                await Task.Delay(options.SweepInterval, stoppingToken); // a sweep: real time
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
