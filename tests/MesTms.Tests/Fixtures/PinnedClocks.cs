namespace MesTms.Tests.Fixtures;

/// <summary>
/// Moments the suite is run at on purpose (issue 11, defect 6): just before and just after Friday's 16:00 pickup cut-off,
/// Saturday noon, and 23:59 on the eve of a dock holiday, each a week or two ahead of the real date (so transit times and
/// required deliveries stay in the future), plus "now" — whatever the real time is.
/// </summary>
public static class PinnedClocks
{
    public const string Now = "now";
    public const string FridayBeforeCutoff = "Friday 15:59";
    public const string FridayAfterCutoff = "Friday 16:01";
    public const string SaturdayNoon = "Saturday 12:00";
    public const string EveOfHoliday = "23:59 before a holiday";

    public static TheoryData<string> All => [Now, FridayBeforeCutoff, FridayAfterCutoff, SaturdayNoon, EveOfHoliday];

    /// <summary>The instant the app's clock starts at (null: real time) and the dock holiday the case needs, if any.</summary>
    public static (DateTimeOffset? Start, DateOnly? Holiday) Resolve(string name) => Resolve(name, TestClock.Now);

    /// <summary>As <see cref="Resolve(string)"/>, from the real date (used to set up <see cref="TestClock"/> itself).</summary>
    public static (DateTimeOffset? Start, DateOnly? Holiday) ResolveFromReal(string name) => Resolve(name, DateTimeOffset.UtcNow);

    static (DateTimeOffset? Start, DateOnly? Holiday) Resolve(string name, DateTimeOffset today)
    {
        DateOnly friday = Next(DayOfWeek.Friday, today);
        return name switch
        {
            Now => (null, null),
            FridayBeforeCutoff => (At(friday, 15, 59), null),
            FridayAfterCutoff => (At(friday, 16, 1), null),
            SaturdayNoon => (At(friday.AddDays(1), 12, 0), null),
            // Wednesday 23:59; Thursday is a dock holiday, so the next pickup is Friday.
            EveOfHoliday => (At(friday.AddDays(-2), 23, 59), friday.AddDays(-1)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown pinned clock"),
        };
    }

    /// <summary>Settings that start the local host's clock at the case's instant.</summary>
    public static Dictionary<string, string?> Settings(string name, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        if (Resolve(name).Start is { } start)
        {
            settings["LocalHost:ClockStart"] = start.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    static DateOnly Next(DayOfWeek day, DateTimeOffset today)
    {
        DateOnly d = DateOnly.FromDateTime(today.UtcDateTime).AddDays(7);
        while (d.DayOfWeek != day)
        {
            d = d.AddDays(1);
        }

        return d;
    }

    static DateTimeOffset At(DateOnly day, int hour, int minute) => new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);
}
