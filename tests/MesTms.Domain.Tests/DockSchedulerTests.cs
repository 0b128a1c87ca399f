using MesTms.Domain.Docks;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Tests;

public sealed class DockSchedulerTests
{
    static readonly DateOnly Day = new(2026, 11, 25); // a Wednesday

    static PlantDockModel Model(int standard = 7, int reefer = 2, int hazmat = 1) => new("P100",
        [
            .. Enumerable.Range(1, standard).Select(i => new DockDoor($"S{i:00}", [DoorCapability.Standard])),
            .. Enumerable.Range(1, reefer).Select(i => new DockDoor($"R{i:00}", [DoorCapability.Standard, DoorCapability.Reefer])),
            .. Enumerable.Range(1, hazmat).Select(i => new DockDoor($"H{i:00}", [DoorCapability.Standard, DoorCapability.Hazmat])),
        ],
        new TimeOnly(6, 0), new TimeOnly(22, 0), [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
        [new DateOnly(2026, 12, 25)], 30, 15, 1.5m, 240);

    static DateTimeOffset At(int hour, int minute = 0) => new(Day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    static DockRequest Request(string id, DateTimeOffset ready, int pallets = 18, bool reefer = false, bool hazmat = false) =>
        new(id, "SWFL", pallets, reefer, hazmat, ready, At(0), At(23, 59));

    [Fact]
    public void The_earliest_slot_after_the_freight_is_ready_on_the_least_special_door()
    {
        (DockAppointment? a, string reason) = DockScheduler.Plan(Model(), Day, [], Request("L1", At(9, 10)), DockAppointment.Booked);

        Assert.Equal(At(9, 30), a!.Start);
        Assert.Equal(At(10, 30), a.End); // 15 + 18 × 1.5 = 42 min → two 30-minute slots
        Assert.Equal("S01", a.DoorId);
        Assert.Contains("door S01", reason);
    }

    [Fact]
    public void Freight_beyond_the_staging_capacity_is_flagged_and_the_day_reports_its_staging_peak()
    {
        PlantDockModel small = Model(standard: 1, reefer: 0, hazmat: 0) with { StagingPallets = 40 };
        var booked = new List<DockAppointment>();
        var reasons = new List<string>();
        foreach (string id in new[] { "A", "B", "C" })
        {
            // Three 18-pallet loads ready at 08:00 on one door: the third waits on the floor with the second.
            (DockAppointment? a, string reason) = DockScheduler.Plan(small, Day, booked, Request(id, At(8)), DockAppointment.Booked);
            booked.Add(a!);
            reasons.Add(reason);
        }

        Assert.DoesNotContain(DockScheduler.OverStaging, reasons[0]);
        Assert.DoesNotContain(DockScheduler.OverStaging, reasons[1]); // 36 pallets: within 40
        Assert.Contains("staging peak 54 pallets exceeds the dock's 40", reasons[2]);
        DockKpis kpis = DockKpis.For(small, Day, booked);
        Assert.Equal(54, kpis.StagingPeakPallets);
        Assert.Equal(40, kpis.StagingCapacityPallets);
        Assert.True(kpis.StagingExceeded);
        Assert.False(DockKpis.For(Model(), Day, booked).StagingExceeded);
    }

    [Fact]
    public void Reefer_and_hazmat_freight_get_doors_that_can_load_it()
    {
        Assert.StartsWith("R", DockScheduler.Plan(Model(), Day, [], Request("C", At(8), reefer: true), DockAppointment.Booked).Appointment!.DoorId);
        Assert.Equal("H01", DockScheduler.Plan(Model(), Day, [], Request("H", At(8), hazmat: true), DockAppointment.Booked).Appointment!.DoorId);
        (DockAppointment? none, string reason) = DockScheduler.Plan(Model(hazmat: 0), Day, [], Request("H", At(8), hazmat: true), DockAppointment.Booked);
        Assert.Null(none);
        Assert.Contains("no door", reason);
    }

    [Fact]
    public void Hundreds_of_bookings_never_share_a_door_window_and_respect_hours_and_pickup_windows()
    {
        var random = new Random(5);
        var booked = new List<DockAppointment>();
        int refused = 0;
        for (int i = 0; i < 400; i++)
        {
            DockRequest request = Request($"L{i}", At(6).AddMinutes(random.Next(14 * 60)), 1 + random.Next(26), reefer: random.Next(6) == 0, hazmat: random.Next(15) == 0);
            (DockAppointment? a, _) = DockScheduler.Plan(Model(), Day, booked, request, DockAppointment.Booked);
            if (a is null)
            {
                refused++;
                continue;
            }

            Assert.True(a.Start >= request.ReadyAt && a.End <= At(22));
            booked.Add(a);
        }

        Assert.All(booked, a => Assert.DoesNotContain(booked, b => b != a && b.DoorId == a.DoorId && b.Overlaps(a.Start, a.End)));
        Assert.True(refused > 0, "400 loads exceed a 10-door day; the rest are refused, not double-booked");
        DockKpis kpis = DockKpis.For(Model(), Day, booked);
        Assert.InRange(kpis.DoorUtilisation, 0.5, 1.0);
    }

    [Fact]
    public void The_carrier_pickup_window_and_closed_days_are_honoured()
    {
        DockRequest late = Request("L", At(8)) with { PickupFrom = At(12), PickupTo = At(13) };
        Assert.Equal(At(12), DockScheduler.Plan(Model(), Day, [], late, DockAppointment.Booked).Appointment!.Start);
        Assert.Null(DockScheduler.Plan(Model(), Day, [], late with { PickupTo = At(12, 30) }, DockAppointment.Booked).Appointment);
        Assert.Contains("closed", DockScheduler.Plan(Model(), new DateOnly(2026, 11, 28), [], late, DockAppointment.Booked).Reason);
        Assert.Equal([Day, Day.AddDays(1), Day.AddDays(2)],
            DockScheduler.CandidateDays(Model(), Request("X", At(8)) with { PickupTo = At(8).AddDays(5) }, 3));
    }

    [Fact]
    public void The_sample_dock_model_has_at_least_8_doors_2_reefer_and_1_hazmat()
    {
        string path = Path.Combine(Path.GetDirectoryName(RateShopperTests.SampleContractsPath)!, "docks.v1.json");
        using FileStream file = File.OpenRead(path);
        PlantDockModel p100 = PlantDockModel.Load(file).Single(p => p.PlantId == "P100");

        Assert.True(p100.Doors.Count >= 8);
        Assert.True(p100.Doors.Count(d => d.Capabilities.Contains(DoorCapability.Reefer)) >= 2);
        Assert.True(p100.Doors.Count(d => d.Capabilities.Contains(DoorCapability.Hazmat)) >= 1);
        Assert.Equal(TimeSpan.FromMinutes(60), p100.LoadingTime(18));
    }

    [Fact]
    public void Carriers_are_not_booked_for_a_day_the_dock_is_shut()
    {
        string path = Path.Combine(Path.GetDirectoryName(RateShopperTests.SampleContractsPath)!, "docks.v1.json");
        using FileStream file = File.OpenRead(path);
        PlantDockModel p100 = PlantDockModel.Load(file).Single(p => p.PlantId == "P100");
        ShippingCalendar calendar = p100.PickupCalendar(ShippingCalendar.Default);
        var christmasEveAfterCutoff = new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 12, 25), ShippingCalendar.Default.PickupDay(christmasEveAfterCutoff));
        Assert.Equal(new DateOnly(2026, 12, 28), calendar.PickupDay(christmasEveAfterCutoff)); // Friday 25th shut, then the weekend
        Assert.False(p100.IsOpen(new DateOnly(2026, 12, 25)));
        Assert.True(p100.IsOpen(calendar.PickupDay(christmasEveAfterCutoff)));
    }

    [Theory]
    [InlineData("2026-12-04T15:59:00Z", "2026-12-04T15:59:00Z")] // Friday before the cut-off: collected the same day
    [InlineData("2026-12-04T16:01:00Z", "2026-12-07T00:00:00Z")] // Friday after it: Monday
    [InlineData("2026-12-05T12:00:00Z", "2026-12-07T00:00:00Z")] // Saturday noon: Monday
    [InlineData("2026-12-24T23:59:00Z", "2026-12-28T00:00:00Z")] // 23:59 before Christmas (P100 shut): the Monday after
    [InlineData("2026-12-24T15:00:00Z", "2026-12-24T15:00:00Z")] // Christmas Eve before the cut-off is still a pickup day
    public void The_first_pickup_of_freight_follows_the_cut_off_weekends_and_holidays(string ready, string expected)
    {
        string path = Path.Combine(Path.GetDirectoryName(RateShopperTests.SampleContractsPath)!, "docks.v1.json");
        using FileStream file = File.OpenRead(path);
        ShippingCalendar calendar = PlantDockModel.Load(file).Single(p => p.PlantId == "P100").PickupCalendar(ShippingCalendar.Default);

        DateTimeOffset first = calendar.EarliestPickup(DateTimeOffset.Parse(ready, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), first);
    }

    [Fact]
    public void A_broken_dock_model_names_every_problem()
    {
        using var json = new MemoryStream("""{"plants":[{"plantId":"P1","doors":[],"opens":"08:00:00","closes":"07:00:00","workingDays":[],"holidays":[],"slotMinutes":1,"baseLoadingMinutes":0,"loadingMinutesPerPallet":1,"stagingPallets":0}]}"""u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => PlantDockModel.Load(json));
        Assert.Contains("doors", error.Message);
        Assert.Contains("slotMinutes", error.Message);
        Assert.Contains("closes", error.Message);
        Assert.Contains("workingDays", error.Message);
    }
}
