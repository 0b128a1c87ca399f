using System.Collections.Concurrent;
using System.Globalization;
using MesTms.Domain.Events;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Events;

/// <summary>How long the webhook routes before it answers, and how the outbox of events routed after the answer is drained.</summary>
public sealed class WebhookOptions
{
    public const string Section = "MesTms:Webhook";

    /// <summary>
    /// Routing (starting workflows, signalling holds) happens before the answer for as long as this lasts; events of a
    /// batch still unrouted then are recorded, put in the outbox and routed right after the answer. Event Grid waits 30 s.
    /// </summary>
    public TimeSpan RoutingBudget { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the outbox is swept for entries nobody finished (a host that stopped after answering).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How old an outbox entry must be before a sweep routes it (younger ones are still being routed).</summary>
    public TimeSpan SweepAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Events routed at once after an answer, and by a sweep.</summary>
    public int BackgroundParallelism { get; set; } = 64;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (RoutingBudget < TimeSpan.Zero || RoutingBudget > TimeSpan.FromSeconds(20))
        {
            problems.Add($"{Section}:RoutingBudget must be from 0 to 20 s (Event Grid waits 30 s for the answer)");
        }

        if (SweepInterval < TimeSpan.FromSeconds(1) || SweepAfter < TimeSpan.Zero)
        {
            problems.Add($"{Section}:SweepInterval must be at least 1 s and SweepAfter at least 0");
        }

        if (BackgroundParallelism is < 1 or > 256)
        {
            problems.Add($"{Section}:BackgroundParallelism must be 1-256");
        }

        return problems;
    }
}

/// <summary>An accepted event whose routing was left for after the webhook's answer.</summary>
public sealed record DeferredRoute(MesEvent Event, MesEventRecord Record, bool Claimed);

/// <summary>
/// The webhook's outbox. An event a large batch reaches after <see cref="WebhookOptions.RoutingBudget"/> is recorded
/// as waiting to be routed (<see cref="MesEventRecord.RoutePending"/>, in its one write) and routed right after the
/// answer; marking it routed takes it out. A record nobody finished (the host stopped) is routed by the next sweep, on
/// the local host's timer or on the next webhook call of a Functions instance. Routing is idempotent, so an event routed
/// twice changes nothing: nothing answered as accepted is lost.
/// </summary>
public sealed class PendingRoutes(IMesEventStore events, MesEventRouter router, WebhookOptions options, TimeProvider clock, ILogger<PendingRoutes> logger)
{
    readonly SemaphoreSlim sweeping = new(1, 1);
    long nextSweepTicks;

    /// <summary>Background work still running; each task removes itself when done, so a long-lived host keeps none.</summary>
    readonly ConcurrentDictionary<Task, byte> running = new();

    /// <summary>What runs after answers right now (tests wait on it).</summary>
    public Task Background => Task.WhenAll(running.Keys);

    void Track(Func<Task> work)
    {
        Task run = Task.Run(work);
        running.TryAdd(run, 0);
        run.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Routes one recorded event and marks it routed (which also takes it out of the outbox): the webhook's inline routing
    /// and the background's, one way.
    /// </summary>
    public async Task<string> RouteAsync(DeferredRoute route, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        string done = await router.RouteAsync(route.Event, route.Record.ReceivedAt, durable, cancellationToken, route.Claimed);
        await events.MarkRoutedAsync(route.Record, done, clock.GetUtcNow(), cancellationToken);
        return done;
    }

    /// <summary>Routes the deferred events of one answer in the background.</summary>
    public void RouteAfterAnswer(IReadOnlyList<DeferredRoute> deferred, DurableTaskClient durable)
    {
        if (deferred.Count == 0)
        {
            return;
        }

        Track(() => RouteAllAsync(deferred, durable, CancellationToken.None));
    }

    /// <summary>Starts a sweep in the background unless one ran within <see cref="WebhookOptions.SweepInterval"/>.</summary>
    public void SweepSoon(DurableTaskClient durable)
    {
        long now = clock.GetUtcNow().UtcTicks;
        long due = Interlocked.Read(ref nextSweepTicks);
        if (now < due || Interlocked.CompareExchange(ref nextSweepTicks, now + options.SweepInterval.Ticks, due) != due)
        {
            return;
        }

        Track(async () =>
        {
            try
            {
                await SweepAsync(durable, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Outbox sweep failed; the next one tries again");
            }
        });
    }

    /// <summary>Routes every outbox record older than <see cref="WebhookOptions.SweepAfter"/>. Returns how many were routed.</summary>
    public async Task<int> SweepAsync(DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (!await sweeping.WaitAsync(0, cancellationToken))
        {
            return 0;
        }

        try
        {
            IReadOnlyList<MesEventRecord> entries = await events.ListPendingRoutesAsync(clock.GetUtcNow() - options.SweepAfter, 1000, cancellationToken);
            var deferred = new List<DeferredRoute>();
            foreach (MesEventRecord entry in entries)
            {
                MesEventValidation rebuilt = MesEventValidator.Validate(new CloudEventEnvelope(entry.EventId, entry.Type, entry.Source, entry.Subject, "1.0",
                    entry.Time?.ToString("O", CultureInfo.InvariantCulture), "application/json", entry.Data));
                if (rebuilt.Event is null)
                {
                    logger.LogError("Outbox record {Id} of event {EventId} cannot be rebuilt ({Errors}); it stays for a planner to look at", entry.Id,
                        entry.EventId, string.Join("; ", rebuilt.Errors.Take(3)));
                    continue;
                }

                deferred.Add(new DeferredRoute(rebuilt.Event, entry, Claimed: false));
            }

            if (deferred.Count > 0)
            {
                logger.LogWarning("Outbox sweep: routing {Count} event(s) accepted but not routed (the host stopped after answering?)", deferred.Count);
            }

            return await RouteAllAsync(deferred, durable, cancellationToken);
        }
        finally
        {
            sweeping.Release();
        }
    }

    async Task<int> RouteAllAsync(IReadOnlyList<DeferredRoute> deferred, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        int routed = 0;
        await Parallel.ForEachAsync(deferred, new ParallelOptions { MaxDegreeOfParallelism = options.BackgroundParallelism, CancellationToken = cancellationToken },
            async (d, ct) =>
            {
                try
                {
                    await RouteAsync(d with { Record = d.Record with { RoutePending = true } }, durable, ct);
                    Interlocked.Increment(ref routed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Event {EventId} not routed yet; it stays in the outbox for the next sweep", d.Event.Id);
                }
            });
        return routed;
    }
}

/// <summary>Sweeps the outbox on a timer where the host gives services a Durable client (the local host; the Functions app has its timer trigger).</summary>
public sealed class PendingRouteSweeper(IServiceProvider services, PendingRoutes pending, WebhookOptions options, ILogger<PendingRouteSweeper> logger)
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
            // A host whose Durable client comes only through bindings (Functions): its timer trigger sweeps instead. A
            // background service that throws would stop the host.
            logger.LogDebug(e, "No Durable client for the outbox sweeper in this host");
            return;
        }

        if (durable is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pending.SweepAsync(durable, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox sweep failed; the next one tries again");
            }

            try
            {
                await Task.Delay(options.SweepInterval, stoppingToken); // a sweep: real time, however fast the app's clock runs
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
