using MesTms.Pipeline.Time;

namespace MesTms.LocalHost;

/// <summary>
/// The local host's app clock: it starts at <see cref="LocalHostOptions.ClockStart"/> (default: the real time) and runs
/// <see cref="LocalHostOptions.ClockSpeed"/> times faster than real time. Everything that reads "now" (activities, the
/// webhook, the planner API, the dashboard, the simulated carriers) reads it; timers made through it (<c>Task.Delay(wait,
/// clock)</c>) last wait / speed in real time; and the workflows get the same mapping (<see cref="Workflow"/>) in their
/// input, so their decisions and durable timers follow it too.
/// </summary>
public sealed class AppClock : TimeProvider
{
    readonly DateTimeOffset realOrigin = System.GetUtcNow();
    readonly double speed;
    DateTimeOffset appOrigin;

    public AppClock(DateTimeOffset? start, double speed)
    {
        this.speed = speed;
        appOrigin = start ?? realOrigin;
        if (Workflow.Validate() is [var problem, ..])
        {
            throw new InvalidOperationException($"{LocalHostOptions.Section}:ClockSpeed: {problem}, not {speed}.");
        }
    }

    /// <summary>The mapping from real time to the app's time, as workflows started now carry it.</summary>
    public WorkflowClock Workflow => new(realOrigin, appOrigin, speed);

    public double Speed => speed;

    public override DateTimeOffset GetUtcNow() => Workflow.ToApp(System.GetUtcNow());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Real(dueTime), Real(period));

    /// <summary>
    /// Moves the app's clock forward at once (tests that need "later" without waiting for it). Workflows already running keep
    /// the mapping they started with, so their clock stays behind by <paramref name="by"/>.
    /// </summary>
    public void Advance(TimeSpan by) => appOrigin += by;

    TimeSpan Real(TimeSpan app) => app == Timeout.InfiniteTimeSpan || app <= TimeSpan.Zero ? app : Workflow.ToReal(app);
}

/// <summary>New workflows take the local host's app clock.</summary>
public sealed class AppWorkflowClockSource(AppClock clock) : WorkflowClockSource
{
    public override WorkflowClock Current => clock.Workflow;
}
