using System.Globalization;
using System.Text.RegularExpressions;

namespace MesTms.Domain.Events;

/// <summary>
/// The one timestamp rule of the event contract: RFC 3339 <c>date-time</c> with seconds and an explicit offset
/// (<c>Z</c> or <c>±hh:mm</c>; <c>T</c> and <c>Z</c> in either case), at most 9 fraction digits (kept to 100 ns),
/// between <see cref="Earliest"/> and <see cref="Latest"/> (a year such as 0001 or 9999 is a typing error, not a date
/// to book freight on). Everything that reads an event's time goes through <see cref="TryParse"/>.
/// </summary>
public static partial class Rfc3339
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Rule = "an RFC 3339 timestamp with seconds and an offset (e.g. 2026-11-25T08:30:00Z), in the years 2000-2099";

    /// <summary>The parsed instant, or null with the reason.</summary>
    public static (DateTimeOffset? Value, string? Error) TryParse(string text)
    {
        Match m = Pattern().Match(text);
        if (!m.Success)
        {
            return (null, $"is not {Rule}");
        }

        int Part(string name) => int.Parse(m.Groups[name].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        int year = Part("y"), month = Part("mo"), day = Part("d"), hour = Part("h"), minute = Part("mi"), second = Part("s");
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 2000 : year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return (null, second == 60 ? "is a leap second (:60), which is not accepted: send :59" : $"is not a valid date and time ({Rule})");
        }

        TimeSpan offset = TimeSpan.Zero;
        if (m.Groups["oh"].Success)
        {
            int offsetHours = Part("oh"), offsetMinutes = Part("om");
            if (offsetHours > 23 || offsetMinutes > 59)
            {
                return (null, "has an offset out of range (at most ±23:59)");
            }

            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (m.Groups["sign"].Value == "-")
            {
                offset = -offset;
            }
        }

        if (year == 0)
        {
            return (null, $"is out of range: {Rule}");
        }

        string fraction = m.Groups["f"].Value;
        long ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], NumberStyles.None, CultureInfo.InvariantCulture);
        DateTimeOffset value;
        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
        }
        catch (ArgumentOutOfRangeException)
        {
            return (null, $"is out of range: {Rule}");
        }

        return value < Earliest || value >= Latest ? (null, $"is out of range: {Rule}") : (value, null);
    }

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})[Tt](?<h>[0-9]{2}):(?<mi>[0-9]{2}):(?<s>[0-9]{2})(\.(?<f>[0-9]{1,9}))?([Zz]|(?<sign>[+-])(?<oh>[0-9]{2}):(?<om>[0-9]{2}))$")]
    private static partial Regex Pattern();
}
