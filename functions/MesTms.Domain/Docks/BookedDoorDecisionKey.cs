using System.Globalization;

namespace MesTms.Domain.Docks;

/// <summary>
/// The decision-history key of a booked shipment's (or load's) door: <c>dock-{tenderId}-{change}-{doorId}-{start:yyyyMMddHHmm}</c>
/// (start in UTC). It makes the dock decision idempotent per booking and door, and it lets a reader of the history tell the
/// door a booking reserved (the tender's first such decision) from where a late truck moved it afterwards.
/// </summary>
public static class BookedDoorDecisionKey
{
    const string StartFormat = "yyyyMMddHHmm";

    public static string For(string tenderId, string change, DockAppointment? appointment) =>
        $"{Prefix(tenderId)}{change}-{appointment?.DoorId}-{appointment?.Start.UtcDateTime.ToString(StartFormat, CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The door and start a key written by <see cref="For"/> for <paramref name="tenderId"/> names (both null for "no dock
    /// door"); false for any other key.
    /// </summary>
    public static bool TryRead(string key, string tenderId, out string? doorId, out DateTimeOffset? start)
    {
        doorId = null;
        start = null;
        string prefix = Prefix(tenderId);
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // The change ("pushed back") has no dash; door ids and the start have none either: the last two parts are door and start.
        string[] parts = key[prefix.Length..].Split('-');
        if (parts.Length != 3)
        {
            return false;
        }

        if (parts[2].Length == 0 && parts[1].Length == 0)
        {
            return true;
        }

        if (parts[1].Length == 0 || !DateTime.TryParseExact(parts[2], StartFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime at))
        {
            return false;
        }

        doorId = parts[1];
        start = new DateTimeOffset(at, TimeSpan.Zero);
        return true;
    }

    static string Prefix(string tenderId) => $"dock-{tenderId}-";
}
