using MesTms.Domain.Shipments;
using Microsoft.DurableTask;

namespace MesTms.Pipeline.Time;

/// <summary>
/// The moment a workflow's decisions are dated (<see cref="DecisionTime"/>): the time of the last fact that arrived — the
/// completion that started it, a hold change, the carrier's answer, the deadline that passed — when that is within
/// <c>allowance</c> of real handling time of the app's clock (at <c>LocalHost:ClockSpeed</c> N, N times as much app time:
/// handling takes real time, whatever the clock shows), else the app's now. Deterministic: it only maps the orchestration's replay-safe clock and what the workflow was told.
/// Timers run on the app's clock (<see cref="App"/>).
/// </summary>
public sealed class DecisionClock(WorkflowClock app, TimeSpan allowance, DateTimeOffset? fact = null)
{
    DateTimeOffset? fact = fact;

    public WorkflowClock App => app;

    /// <summary>When the last fact arrived happened (null: as of now), for the next episode.</summary>
    public DateTimeOffset? Fact => fact;

    /// <summary>When the decision being taken now is dated.</summary>
    public DateTimeOffset Now(TaskOrchestrationContext context) => DecisionTime.Of(fact, app.Now(context), AppAllowance);

    /// <summary>The handling allowance in the app's time.</summary>
    public TimeSpan AppAllowance => TimeSpan.FromTicks((long)Math.Min(TimeSpan.MaxValue.Ticks / 2d, allowance.Ticks * app.Speed));

    /// <summary>A fact arrived that happened at <paramref name="at"/> (null: known only as of now).</summary>
    public void Arrived(DateTimeOffset? at) => fact = at;
}
