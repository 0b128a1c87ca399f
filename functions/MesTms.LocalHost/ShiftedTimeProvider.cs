namespace MesTms.LocalHost;

/// <summary>
/// The system clock moved to start at a chosen instant (<see cref="LocalHostOptions.ClockStart"/>): it runs at real
/// speed from there. Timers are the system's, so delays keep their real length.
/// </summary>
public sealed class ShiftedTimeProvider(DateTimeOffset start) : TimeProvider
{
    readonly TimeSpan offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
