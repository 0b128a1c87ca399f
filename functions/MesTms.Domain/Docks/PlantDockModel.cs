using MesTms.Domain.Rating;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MesTms.Domain.Docks;

[JsonConverter(typeof(JsonStringEnumConverter<DoorCapability>))]
public enum DoorCapability
{
    Standard,
    Reefer,
    Hazmat,
}

/// <summary>One dock door and the freight it can load (every door loads standard freight).</summary>
public sealed record DockDoor(string DoorId, IReadOnlyList<DoorCapability> Capabilities)
{
    public bool CanServe(bool reefer, bool hazmat) =>
        (!reefer || Capabilities.Contains(DoorCapability.Reefer)) && (!hazmat || Capabilities.Contains(DoorCapability.Hazmat));

    /// <summary>Special capabilities; plain freight goes to the least special door so reefer and hazmat doors stay free.</summary>
    public int Specialness => Capabilities.Count(c => c != DoorCapability.Standard);
}

/// <summary>
/// A plant's shipping dock: doors with capabilities, daily operating hours (UTC) and calendar, appointment slot length,
/// loading time as a function of pallets, and staging capacity (pallets the dock floor holds waiting to be loaded).
/// </summary>
public sealed record PlantDockModel(
    string PlantId,
    IReadOnlyList<DockDoor> Doors,
    TimeOnly Opens,
    TimeOnly Closes,
    IReadOnlyList<DayOfWeek> WorkingDays,
    IReadOnlyList<DateOnly> Holidays,
    int SlotMinutes,
    int BaseLoadingMinutes,
    decimal LoadingMinutesPerPallet,
    int StagingPallets)
{
    public TimeSpan Slot => TimeSpan.FromMinutes(SlotMinutes);

    public bool IsOpen(DateOnly day) => WorkingDays.Contains(day.DayOfWeek) && !Holidays.Contains(day);

    /// <summary>
    /// The carriers' pickup calendar for this plant: <paramref name="baseline"/> with the dock's holidays added, so no
    /// carrier is booked for a day the dock is shut (a pickup that would fall on Dec 25 moves to the next working day).
    /// </summary>
    public ShippingCalendar PickupCalendar(ShippingCalendar baseline) =>
        baseline with { Holidays = baseline.Holidays.Concat(Holidays).ToHashSet() };

    public DateTimeOffset OpensOn(DateOnly day) => new(day.ToDateTime(Opens), TimeSpan.Zero);

    /// <summary>Closing time; a <see cref="Closes"/> of 00:00 means midnight at the end of the day.</summary>
    public DateTimeOffset ClosesOn(DateOnly day) => Closes == TimeOnly.MinValue
        ? new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
        : new DateTimeOffset(day.ToDateTime(Closes), TimeSpan.Zero);

    /// <summary>Door time for a load: base + per-pallet minutes, rounded up to whole slots.</summary>
    public TimeSpan LoadingTime(int pallets)
    {
        decimal minutes = BaseLoadingMinutes + (LoadingMinutesPerPallet * Math.Max(0, pallets));
        int slots = Math.Max(1, (int)Math.Ceiling(minutes / SlotMinutes));
        return TimeSpan.FromMinutes(slots * SlotMinutes);
    }

    /// <summary>Door-minutes the plant offers on a day.</summary>
    public double DoorMinutes(DateOnly day) => IsOpen(day) ? Doors.Count * (ClosesOn(day) - OpensOn(day)).TotalMinutes : 0;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Reads and validates <c>{ "plants": [ ... ] }</c>; every problem is named.</summary>
    public static IReadOnlyList<PlantDockModel> Load(Stream json)
    {
        DockModelFile file = JsonSerializer.Deserialize<DockModelFile>(json, Json) ?? throw new InvalidDataException("The dock model file is empty.");
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((PlantDockModel plant, int i) in (file.Plants ?? []).Select((p, i) => (p, i)))
        {
            string at = $"plants[{i}]";
            if (string.IsNullOrWhiteSpace(plant.PlantId) || !seen.Add(plant.PlantId))
            {
                problems.Add($"{at}.plantId: missing or duplicated");
            }

            if (plant.Doors is null || plant.Doors.Count == 0)
            {
                problems.Add($"{at}.doors: a plant needs at least one door");
            }
            else if (plant.Doors.Select(d => d.DoorId).Distinct(StringComparer.Ordinal).Count() != plant.Doors.Count || plant.Doors.Any(d => string.IsNullOrWhiteSpace(d.DoorId)))
            {
                problems.Add($"{at}.doors: door ids must be present and unique");
            }

            if (plant.SlotMinutes is < 5 or > 240)
            {
                problems.Add($"{at}.slotMinutes: 5-240");
            }

            if (plant.Closes != TimeOnly.MinValue && plant.Closes <= plant.Opens)
            {
                problems.Add($"{at}.closes: must be after opens (or 00:00 for midnight)");
            }

            if (plant.WorkingDays is null || plant.WorkingDays.Count == 0)
            {
                problems.Add($"{at}.workingDays: at least one day");
            }

            if (plant.BaseLoadingMinutes < 0 || plant.LoadingMinutesPerPallet < 0 || plant.StagingPallets < 0)
            {
                problems.Add($"{at}: loading minutes and staging pallets cannot be negative");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException("Invalid dock model: " + string.Join("; ", problems));
        }

        return file.Plants ?? [];
    }

    sealed record DockModelFile(IReadOnlyList<PlantDockModel>? Plants);
}
