using System.Globalization;

namespace MesTms.Tests.Fixtures;

/// <summary>
/// The business "now" of the test run. Normally the real time; with <c>MESTMS_TEST_CLOCK</c> set (an RFC 3339 instant, or
/// one of <see cref="PinnedClocks"/>' names such as "Friday 16:01") the whole suite runs as if it started then: every
/// local host's clock (LocalHost:ClockStart) and every test event's times are shifted by the same amount. This is how the
/// suite is shown to pass after the 16:00 cut-off, on a weekend and before a holiday (README, Tests).
/// </summary>
public static class TestClock
{
    public const string Variable = "MESTMS_TEST_CLOCK";

    static readonly TimeSpan Offset = Resolve();

    public static bool Shifted => Offset != TimeSpan.Zero;

    public static DateTimeOffset Now => DateTimeOffset.UtcNow + Offset;

    static TimeSpan Resolve()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return TimeSpan.Zero;
        }

        DateTimeOffset start = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
            ? at
            : PinnedClocks.ResolveFromReal(value).Start ?? DateTimeOffset.UtcNow;
        return start - DateTimeOffset.UtcNow;
    }
}
