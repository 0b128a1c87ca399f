using MesTms.Domain.Docks;

namespace MesTms.Domain.Tests;

/// <summary>The booked door's decision key: written once per tender, door and start; read back only for its own tender.</summary>
public sealed class BookedDoorDecisionKeyTests
{
    const string Tender = "P100.L-P100-US-282-D00001.T2";

    static DockAppointment Door(string doorId, DateTimeOffset start) =>
        new("L-P100-US-282-D00001", doorId, start, start.AddHours(1), start, 26, "HRTL", DockAppointment.Booked);

    [Theory]
    // change, door, start (offset in hours) → key
    [InlineData(DoorPlacement.Created, "D01", 0, "dock-P100.L-P100-US-282-D00001.T2-created-D01-202612081300")]
    [InlineData(DoorPlacement.PushedBack, "D07", 0, "dock-P100.L-P100-US-282-D00001.T2-pushed back-D07-202612081300")]
    [InlineData(DoorPlacement.Moved, "D02", -5, "dock-P100.L-P100-US-282-D00001.T2-moved-D02-202612081300")] // 08:00-05:00 is 13:00Z
    public void A_key_names_tender_change_door_and_the_utc_start_and_reads_back(string change, string door, int offsetHours, string expected)
    {
        var start = new DateTimeOffset(2026, 12, 8, 13 + offsetHours, 0, 0, TimeSpan.FromHours(offsetHours));
        string key = BookedDoorDecisionKey.For(Tender, change, Door(door, start));

        Assert.Equal(expected, key);
        Assert.True(BookedDoorDecisionKey.TryRead(key, Tender, out string? doorId, out DateTimeOffset? at));
        Assert.Equal(door, doorId);
        Assert.Equal(start, at);
    }

    [Fact]
    public void No_door_reads_back_as_no_door()
    {
        string key = BookedDoorDecisionKey.For(Tender, DoorPlacement.Created, null);

        Assert.Equal("dock-P100.L-P100-US-282-D00001.T2-created--", key);
        Assert.True(BookedDoorDecisionKey.TryRead(key, Tender, out string? doorId, out DateTimeOffset? at));
        Assert.Null(doorId);
        Assert.Null(at);
    }

    [Theory]
    [InlineData("dock-P100.L-P100-US-282-D00001.T3-created-D01-202612081300")] // another tender (a re-tender's door)
    [InlineData("dock-P100.L-P100-US-282-D00001.T2")]                          // truncated
    [InlineData("dock-P100.L-P100-US-282-D00001.T2-created-D01-2026120813")]   // start not a minute
    [InlineData("dock-P100.L-P100-US-282-D00001.T2-created--202612081300")]    // a start without a door
    [InlineData("dock-actual-confirmed")]                                      // a forecast door's decision
    [InlineData("load-outcome-r0-Booked-P100.L-P100-US-282-D00001.T2-6")]
    public void Any_other_key_is_not_the_tenders_booked_door(string key)
    {
        Assert.False(BookedDoorDecisionKey.TryRead(key, Tender, out string? doorId, out DateTimeOffset? at));
        Assert.Null(doorId);
        Assert.Null(at);
    }
}
