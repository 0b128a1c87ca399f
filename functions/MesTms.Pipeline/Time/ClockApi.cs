using MesTms.Pipeline.Http;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Time;

/// <summary>The app's clock as a client sees it: its now (RFC 3339) and how many times faster than real time it runs.</summary>
public sealed record ClockView(DateTimeOffset Now, double Speed);

/// <summary>
/// <c>GET /api/clock</c>: the bridge's own time and speed, so a client replaying a day into it (<c>simulate --live</c>) can
/// check that both run on one timeline, and a planner sees which "now" the bridge decides on.
/// </summary>
public static class ClockApi
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetClock", "clock", call => Task.FromResult(Get(call.Service<TimeProvider>(), call.Service<WorkflowClockSource>())))
            .Documented(new ApiDoc("Documentation", "Get the bridge's clock",
                "The instant the bridge decides on now and its speed: 1 in Azure; the local host may run faster for a demo (LocalHost:ClockSpeed).",
                [new ApiAnswer(200, "The clock.", typeof(ClockView))])),
    ];

    public static IResult Get(TimeProvider clock, WorkflowClockSource workflows) => HttpJson.Ok(new ClockView(clock.GetUtcNow(), workflows.Current.Speed));
}
