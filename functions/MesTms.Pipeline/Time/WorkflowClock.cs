using Microsoft.DurableTask;

namespace MesTms.Pipeline.Time;

/// <summary>
/// The app's clock as an orchestration reads it: the app's time runs <see cref="Speed"/> times faster than real time from
/// <see cref="AppOrigin"/>, which it showed at the real instant <see cref="RealOrigin"/> (the local host's
/// <c>LocalHost:ClockStart</c> and <c>LocalHost:ClockSpeed</c>; in Azure the real clock). A pure mapping of the
/// orchestration's own replay-safe clock, carried in each workflow's input, so a workflow decides on the same "now" as
/// the activities' <see cref="TimeProvider"/> and its durable timers are scaled with it, deterministically.
/// </summary>
public sealed record WorkflowClock(DateTimeOffset RealOrigin, DateTimeOffset AppOrigin, double Speed)
{
    /// <summary>Real time at real speed.</summary>
    public static readonly WorkflowClock Real = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1);

    public DateTimeOffset ToApp(DateTimeOffset real) => AppOrigin + Scale(real - RealOrigin, Speed);

    public DateTimeOffset ToReal(DateTimeOffset app) => RealOrigin + Scale(app - AppOrigin, 1 / Speed);

    /// <summary>The real length of a wait of <paramref name="app"/> on the app's clock.</summary>
    public TimeSpan ToReal(TimeSpan app) => Scale(app, 1 / Speed);

    /// <summary>The app's now, from the orchestration's replay-safe clock.</summary>
    public DateTimeOffset Now(TaskOrchestrationContext context) => ToApp(new DateTimeOffset(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc)));

    /// <summary>A durable timer that fires when the app's clock shows <paramref name="deadline"/>.</summary>
    public Task Until(TaskOrchestrationContext context, DateTimeOffset deadline, CancellationToken cancellation) =>
        context.CreateTimer(ToReal(deadline).UtcDateTime, cancellation);

    /// <summary>A durable timer of <paramref name="wait"/> on the app's clock.</summary>
    public Task For(TaskOrchestrationContext context, TimeSpan wait, CancellationToken cancellation) => context.CreateTimer(ToReal(wait), cancellation);

    public IReadOnlyList<string> Validate() => Speed is >= 1 and <= 1_000_000 && double.IsFinite(Speed) ? [] : ["the clock speed must be 1-1,000,000"];

    static TimeSpan Scale(TimeSpan span, double factor) => factor == 1 ? span : TimeSpan.FromTicks((long)Math.Round(span.Ticks * factor));
}

/// <summary>Where new workflows get the app's clock from: the real one unless a host runs its own (the local host's faster demo clock).</summary>
public class WorkflowClockSource
{
    public virtual WorkflowClock Current => WorkflowClock.Real;
}
