using System.Text.Json.Nodes;

namespace MesTms.Tests.Fixtures;

/// <summary>Writes dock model files for tests: P100 with 10 doors (7 standard, 2 reefer, 1 hazmat), open every day.</summary>
public static class DockModels
{
    public static string Write(TimeOnly opens, TimeOnly closes, int slotMinutes = 30, IReadOnlyList<DateOnly>? holidays = null)
    {
        var doors = new JsonArray();
        for (int i = 1; i <= 10; i++)
        {
            string[] capabilities = i switch { 8 or 9 => ["Standard", "Reefer"], 10 => ["Standard", "Hazmat"], _ => ["Standard"] };
            doors.Add(new JsonObject { ["doorId"] = $"D{i:00}", ["capabilities"] = new JsonArray(capabilities.Select(c => (JsonNode)c).ToArray()) });
        }

        var model = new JsonObject
        {
            ["plants"] = new JsonArray(new JsonObject
            {
                ["plantId"] = "P100",
                ["doors"] = doors,
                ["opens"] = opens.ToString("HH:mm:ss"),
                ["closes"] = closes.ToString("HH:mm:ss"),
                ["workingDays"] = new JsonArray(Enum.GetNames<DayOfWeek>().Select(d => (JsonNode)d).ToArray()),
                ["holidays"] = new JsonArray((holidays ?? []).Select(h => (JsonNode)h.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
                ["slotMinutes"] = slotMinutes,
                ["baseLoadingMinutes"] = 15,
                ["loadingMinutesPerPallet"] = 1.5,
                ["stagingPallets"] = 240,
            }),
        };
        string path = Path.Combine(Path.GetTempPath(), EmulatorFixture.UniqueName("docks") + ".json");
        File.WriteAllText(path, model.ToJsonString());
        return path;
    }

    /// <summary>Open around the clock.</summary>
    public static string AllDay(params DateOnly[] holidays) => Write(TimeOnly.MinValue, TimeOnly.MinValue, holidays: holidays);

    /// <summary>Open one hour a day, starting two hours from now at the earliest: every appointment is at least ~1 h 50 min away.</summary>
    public static string OneHourFromTwoHoursAhead()
    {
        DateTime start = TestClock.Now.UtcDateTime.AddHours(2);
        var opens = new TimeOnly(start.Hour, 0);
        return Write(opens, opens.Hour == 23 ? TimeOnly.MinValue : opens.AddHours(1));
    }
}
