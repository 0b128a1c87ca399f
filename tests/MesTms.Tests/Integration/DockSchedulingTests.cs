using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesTms.Domain.Docks;
using MesTms.Domain.Shipments;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.Azure.Cosmos;

namespace MesTms.Tests.Integration;

/// <summary>
/// Dock appointments through the public surface: forecasts and completions in over HTTP, simulated carriers booking,
/// the door schedule out through <c>GET /api/plants/{plantId}/docks</c>; holds after booking with the cancellation-fee window.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class DockSchedulingTests(EmulatorFixture emulators)
{
    static Task<TestApp> StartAsync(EmulatorFixture emulators, string dockModel, Dictionary<string, string?>? extra = null)
    {
        Dictionary<string, string?> settings = TestApp.WithCarriers(extra);
        settings["MesTms:Docks:ModelPath"] = dockModel;
        return TestApp.StartAsync(emulators, settings: settings);
    }

    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    static async Task<DockDayView> DocksAsync(TestApp app, DateOnly day)
    {
        HttpResponseMessage response = await app.Http.GetAsync($"api/plants/P100/docks?date={day:yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DockDayView>(CosmosStore.Json))!;
    }

    static async Task<List<JsonElement>> DockNotificationsAsync(TestApp app, string orderId)
    {
        QueryDefinition query = new QueryDefinition("SELECT * FROM c WHERE c.type = 'mestms.dock.appointment.changed.v1' AND c.data.shipmentId = @id").WithParameter("@id", orderId);
        var found = new List<JsonElement>();
        using FeedIterator<JsonElement> feed = app.Service<CosmosStore>().Notifications.GetItemQueryIterator<JsonElement>(query);
        while (feed.HasMoreResults)
        {
            found.AddRange(await feed.ReadNextAsync());
        }

        return found;
    }

    static async Task<DockAppointmentView> WaitForTentativeAsync(TestApp app, string order, DateTimeOffset around)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        // Around the forecast, and up to the next pickup day after a cut-off, a weekend or a holiday.
        DateOnly first = DateOnly.FromDateTime(around.UtcDateTime.AddHours(-1));
        DateOnly[] days = Enumerable.Range(0, 5).Select(first.AddDays).ToArray();
        while (DateTime.UtcNow < deadline)
        {
            foreach (DateOnly day in days)
            {
                if ((await DocksAsync(app, day)).Appointments.FirstOrDefault(a => a.ShipmentId == order) is { } found)
                {
                    return found;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No tentative appointment for {order}");
    }

    /// <summary>A new order forecast to complete <paramref name="hoursAhead"/> from now, with its tentative door.</summary>
    static async Task<(string Order, DateTimeOffset Forecast, DockAppointmentView Tentative)> ForecastAsync(TestApp app, double hoursAhead)
    {
        string order = NewOrder();
        DateTimeOffset at = app.Now.AddHours(hoursAhead);
        DateTimeOffset forecast = at.AddTicks(-(at.UtcTicks % TimeSpan.TicksPerSecond)); // the event carries whole seconds
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Scheduled(order, forecast)));
        return (order, forecast, await WaitForTentativeAsync(app, order, forecast));
    }

    /// <summary>The dock app on a pinned clock (or the real one), with the holiday that clock case needs.</summary>
    static Task<TestApp> StartAtAsync(EmulatorFixture emulators, string clock)
    {
        (_, DateOnly? holiday) = PinnedClocks.Resolve(clock);
        return StartAsync(emulators, DockModels.AllDay(holiday is { } h ? [h] : []), PinnedClocks.Settings(clock));
    }

    /// <summary>When a carrier can first collect freight ready now, by the calendar rate shopping uses (cut-off, weekend, holidays).</summary>
    static DateTimeOffset FirstPickup(TestApp app) => app.Service<DockCatalog>().PickupCalendar("P100").EarliestPickup(app.Now);

    [Theory]
    [MemberData(nameof(PinnedClocks.All), MemberType = typeof(PinnedClocks))]
    public async Task An_order_finishing_earlier_than_forecast_pulls_its_appointment_forward_and_the_carrier_is_told(string clock)
    {
        await using TestApp app = await StartAtAsync(emulators, clock);
        // Forecast five hours after the first moment a carrier could collect it, so finishing now is early at any hour.
        (string order, DateTimeOffset forecast, DockAppointmentView tentative) = await ForecastAsync(app, (FirstPickup(app) - app.Now).TotalHours + 5);
        Assert.Equal(DockAppointment.Tentative, tentative.Status);
        Assert.True(tentative.Start >= forecast);

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order, now: app.Now)));
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment?.Status == DockAppointment.Booked);

        ShipmentDecision pulled = Assert.Single(booked.Decisions, d => d.Decision == "Dock appointment pulled forward");
        Assert.Contains("earlier than", pulled.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.True(booked.DockAppointment!.Start < tentative.Start);
        Assert.Equal(booked.Booking!.Scac, booked.DockAppointment.Scac);
        List<JsonElement> notices = await DockNotificationsAsync(app, order);
        Assert.Contains(notices, n => n.GetProperty("data").GetProperty("change").GetString() == "pulled forward");
        var carriers = (SimulatedCarrierGateway)app.Service<ICarrierGateway>();
        Assert.Contains(carriers.Received, m => m.Kind == "appointment" && m.Scac == booked.Booking.Scac);

        DockDayView day = await DocksAsync(app, booked.DockAppointment.Day);
        DockAppointmentView onSchedule = Assert.Single(day.Appointments, a => a.ShipmentId == order);
        Assert.InRange(day.Kpis.StagingPeakPallets, onSchedule.Pallets, day.Kpis.StagingCapacityPallets);
        Assert.Equal(booked.DockAppointment.DoorId, onSchedule.DoorId);
        Assert.Equal(booked.Booking.Scac, onSchedule.Carrier);
        Assert.Contains(day.Doors, d => d.DoorId == onSchedule.DoorId && d.Appointments.Any(a => a.ShipmentId == order));
    }

    [Theory]
    [MemberData(nameof(PinnedClocks.All), MemberType = typeof(PinnedClocks))]
    public async Task An_order_finishing_later_than_forecast_pushes_its_appointment_back(string clock)
    {
        await using TestApp app = await StartAtAsync(emulators, clock);
        // Forecast far enough back that its door came before the first pickup still possible now (after a cut-off or on a
        // weekend, that means before the last pickup day's cut-off).
        DockCatalog docks = app.Service<DockCatalog>();
        double hoursBack = 3;
        while (docks.PickupCalendar("P100").EarliestPickup(app.Now.AddHours(-hoursBack)).AddHours(1) > FirstPickup(app))
        {
            hoursBack++;
        }

        (string order, _, DockAppointmentView tentative) = await ForecastAsync(app, -hoursBack);

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order, now: app.Now)));
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment?.Status == DockAppointment.Booked);

        Assert.Single(booked.Decisions, d => d.Decision == "Dock appointment pushed back");
        Assert.True(booked.DockAppointment!.Start > tentative.Start);
        Assert.True(booked.DockAppointment.Start >= booked.ReadyAt);
        // The forecast's window is free again: only the booked appointment remains for this order.
        Assert.DoesNotContain((await DocksAsync(app, DateOnly.FromDateTime(tentative.Start.UtcDateTime))).Appointments,
            a => a.ShipmentId == order && a.Start == tentative.Start);
    }

    [Fact]
    public async Task A_hold_placed_before_completion_gives_the_forecast_door_back_and_the_order_gets_a_door_once_released_and_booked()
    {
        await using TestApp app = await StartAsync(emulators, DockModels.AllDay());
        (string order, _, DockAppointmentView tentative) = await ForecastAsync(app, 5);

        // The hold arrives before the completion: the door goes back at once, not when the order completes.
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-7")));
        DockDayView day = await DocksAsync(app, DateOnly.FromDateTime(tentative.Start.UtcDateTime));
        Assert.DoesNotContain(day.Appointments, a => a.ShipmentId == order);
        Assert.Contains(day.Released, r => r.Appointment.AppointmentId == order && r.Reason.Contains("QH-7"));
        Assert.Contains(await DockNotificationsAsync(app, order), n => n.GetProperty("data").GetProperty("change").GetString() == "released");

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment held = await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold);
        Assert.Null(held.DockAppointment);
        Assert.Null(held.Booking);
        Assert.DoesNotContain((await DocksAsync(app, DateOnly.FromDateTime(tentative.Start.UtcDateTime))).Appointments, a => a.ShipmentId == order);

        HttpResponseMessage release = await app.Http.PostAsJsonAsync($"api/shipments/{order}/holds/QH-7/release", new { releasedBy = "planner.ana", reason = "Seal re-checked" });
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment?.Status == DockAppointment.Booked);
        Assert.True(booked.DockAppointment!.Start >= booked.ReadyAt);
        DockAppointmentView onSchedule = Assert.Single((await DocksAsync(app, booked.DockAppointment.Day)).Appointments, a => a.ShipmentId == order);
        Assert.Equal(DockAppointment.Booked, onSchedule.Status);
    }

    [Fact]
    public async Task A_held_order_gets_no_door_from_a_new_forecast_and_gets_one_again_when_released_before_completion()
    {
        await using TestApp app = await StartAsync(emulators, DockModels.AllDay());
        (string order, DateTimeOffset forecast, _) = await ForecastAsync(app, 5);
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-11")));

        DateTimeOffset moved = forecast.AddHours(3);
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Scheduled(order, moved)));
        DockForecastDocument whileHeld = (await app.Service<IDockStore>().GetForecastAsync("P100", order))!;
        Assert.True(Math.Abs((whileHeld.ExpectedCompletionAt - moved).TotalSeconds) < 1);
        Assert.Null(whileHeld.Appointment);
        Assert.Contains("QH-11", whileHeld.Reason);

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldReleased(order, "QH-11")));
        DockAppointmentView again = await WaitForTentativeAsync(app, order, moved);
        Assert.Equal(DockAppointment.Tentative, again.Status);
        Assert.True(again.Start >= moved.AddSeconds(-1), $"door at {again.Start:O}, forecast {moved:O}");
    }

    [Fact]
    public async Task Reefer_and_hazmat_forecasts_reserve_doors_that_can_load_them()
    {
        await using TestApp app = await StartAsync(emulators, DockModels.AllDay());
        string cold = NewOrder(), dangerous = NewOrder();
        DateTimeOffset forecast = TestClock.Now.AddHours(4);
        JsonObject reefer = MesEvents.Scheduled(cold, forecast);
        reefer["data"]!["temperature"] = new JsonObject { ["minCelsius"] = 2, ["maxCelsius"] = 6 };
        JsonObject hazmat = MesEvents.Scheduled(dangerous, forecast);
        hazmat["data"]!["hazmat"] = new JsonObject { ["unNumber"] = "UN1263", ["hazardClass"] = "3", ["packingGroup"] = "II" };
        await app.PostEventsAsync(MesEvents.Batch(reefer, hazmat));

        foreach ((string order, DoorCapability needed) in new[] { (cold, DoorCapability.Reefer), (dangerous, DoorCapability.Hazmat) })
        {
            DockAppointmentView door = await WaitForTentativeAsync(app, order, forecast);
            DockDayView day = await DocksAsync(app, DateOnly.FromDateTime(door.Start.UtcDateTime));
            Assert.Contains(needed, day.Doors.Single(d => d.DoorId == door.DoorId).Capabilities);
        }
    }

    [Fact]
    public async Task A_hold_placed_after_completion_while_the_order_waits_for_freight_gives_its_forecast_door_back()
    {
        // Consolidation on: the completed order waits in an open load (no booking yet) when the hold arrives.
        await using TestApp app = await StartAsync(emulators, DockModels.AllDay(), new()
        {
            ["MesTms:Shipment:Consolidate"] = "true",
        });
        (string order, _, _) = await ForecastAsync(app, -1);
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order).WithPallets(4).WithRequiredDeliveryBy(TestClock.Now.AddDays(10))));
        Shipment waiting = await app.WaitForShipmentAsync(order, ShipmentStatus.Consolidating, s => s.DockAppointment is not null);
        DockAppointment door = waiting.DockAppointment!;
        Assert.Equal(DockAppointment.Tentative, door.Status);

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-8")));
        Shipment held = await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold, s => s.DockAppointment is null);
        Assert.Contains(held.Decisions, d => d.Decision == "Dock appointment released" && d.Reason.Contains("QH-8"));
        DockDayView day = await DocksAsync(app, door.Day);
        Assert.DoesNotContain(day.Appointments, a => a.ShipmentId == order);
        Assert.Contains(day.Released, r => r.Appointment.AppointmentId == order && r.Reason.Contains("QH-8"));
    }

    /// <summary>The sample contract set with one carrier's cancellation terms changed, in a temporary file.</summary>
    static string ContractsWithCancellationTerms(string scac, int freeUntilHoursBeforePickup)
    {
        string sample = TestApp.WithCarriers()["MesTms:Carriers:ContractsPath"]!;
        JsonNode contracts = JsonNode.Parse(File.ReadAllText(sample))!;
        JsonNode carrier = contracts["carriers"]!.AsArray().Single(c => (string?)c!["scac"] == scac)!;
        carrier["cancellation"] = new JsonObject { ["freeUntilHoursBeforePickup"] = freeUntilHoursBeforePickup, ["truckOrderedNotUsedFee"] = 250 };
        string path = Path.Combine(Path.GetTempPath(), $"mestms-carriers-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, contracts.ToJsonString());
        return path;
    }

    [Fact]
    public async Task A_hold_on_a_booked_order_released_before_the_fee_window_keeps_the_booking_and_gets_a_door_again()
    {
        // SWFL (booked: cheapest) lets a booking go free until 1 h before pickup; the door opens 2 h from now.
        string contracts = ContractsWithCancellationTerms("SWFL", 1);
        try
        {
            await HoldReleasedBeforeTheFeeWindowAsync(contracts);
        }
        finally
        {
            File.Delete(contracts);
        }
    }

    async Task HoldReleasedBeforeTheFeeWindowAsync(string contracts)
    {
        await using TestApp app = await StartAsync(emulators, DockModels.OneHourFromTwoHoursAhead(), new()
        {
            ["MesTms:Carriers:ContractsPath"] = contracts,
            ["MesTms:Shipment:CancellationFeeWindow"] = "7.00:00:00", // the default for carriers without terms: not used here
        });
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is not null);
        DockAppointment door = booked.DockAppointment!;

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-9")));
        Shipment held = await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold, s => s.DockAppointment is null);
        Assert.NotNull(held.Booking);
        Assert.Contains(held.Decisions, d => d.Decision == "Booked shipment on hold" && d.Reason.Contains("withdrawn at") && d.Reason.Contains("1 h cancellation-fee window of SWFL's contract"));
        DockDayView released = await DocksAsync(app, door.Day);
        Assert.DoesNotContain(released.Appointments, a => a.ShipmentId == order);
        Assert.Contains(released.Released, r => r.Appointment.AppointmentId == order && r.Reason.Contains("quality hold"));

        HttpResponseMessage release = await app.Http.PostAsJsonAsync($"api/shipments/{order}/holds/QH-9/release", new { releasedBy = "planner.kim", reason = "Retested OK" });
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Shipment again = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is not null);

        Assert.Equal(booked.Booking!.TenderId, again.Booking!.TenderId);
        Assert.Single(again.Tenders);
        Assert.Contains(again.Decisions, d => d.Decision == "Booking kept");
        Assert.DoesNotContain(((SimulatedCarrierGateway)app.Service<ICarrierGateway>()).Received, m => m.Kind == "withdrawal");
    }

    [Fact]
    public async Task A_hold_outliving_the_fee_window_withdraws_the_tender_before_it_and_re_tenders_after_release()
    {
        // SWFL's contract window is longer than the time to pickup: the tender must be withdrawn at once to avoid the fee,
        // although the default window for carriers without terms is zero. The sample's 24 h is not longer than the time to
        // pickup after Friday's cut-off (Monday is 56 h away), so this test gives SWFL 96 h: true at any hour of any day.
        await using TestApp app = await StartAsync(emulators, DockModels.AllDay(), new()
        {
            ["MesTms:Shipment:CancellationFeeWindow"] = "00:00:00",
            ["MesTms:Carriers:ContractsPath"] = ContractsWithSwiftlineWindow(96),
        });
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is not null);

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-10")));
        Shipment withdrawn = await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold, s => s.Booking is null);
        Assert.Equal("withdrawn", Assert.Single(withdrawn.Tenders).Outcome);
        Assert.Contains(withdrawn.Decisions, d => d.Decision == "Tender withdrawn" && d.Reason.Contains("TONU avoided"));
        Assert.Contains(withdrawn.Decisions, d => d.Decision == "Booked shipment on hold" && d.Reason.Contains("96 h cancellation-fee window of SWFL's contract, TONU $250.00"));
        var carriers = (SimulatedCarrierGateway)app.Service<ICarrierGateway>();
        Assert.Contains(carriers.Received, m => m.Kind == "withdrawal" && m.TenderId == booked.Booking!.TenderId && m.Scac == booked.Booking.Scac);

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldReleased(order, "QH-10")));
        Shipment retendered = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is not null && s.Booking is not null);
        Assert.Contains(".R1.T1", retendered.Booking!.TenderId);
        Assert.Equal(2, retendered.Tenders.Count);
    }

    /// <summary>The sample contracts with SWFL free to cancel until <paramref name="hours"/> before pickup.</summary>
    static string ContractsWithSwiftlineWindow(int hours)
    {
        string sample = TestApp.WithCarriers()["MesTms:Carriers:ContractsPath"]!;
        JsonNode contracts = JsonNode.Parse(File.ReadAllText(sample))!;
        JsonNode swiftline = contracts["carriers"]!.AsArray().Single(c => (string?)c!["scac"] == "SWFL")!;
        swiftline["cancellation"]!["freeUntilHoursBeforePickup"] = hours;
        string path = Path.Combine(Path.GetTempPath(), EmulatorFixture.UniqueName("carriers") + ".json");
        File.WriteAllText(path, contracts.ToJsonString());
        return path;
    }

    [Fact]
    public async Task The_dock_schedule_API_refuses_bad_dates_and_unknown_plants()
    {
        await using TestApp app = await StartAsync(emulators, DockModels.AllDay());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.GetAsync("api/plants/P100/docks?date=25.11.2026")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("api/plants/P404/docks?date=2026-11-25")).StatusCode);
        DockDayView empty = await DocksAsync(app, new DateOnly(2030, 1, 15));
        Assert.Equal(10, empty.Doors.Count);
        Assert.Empty(empty.Appointments);
        Assert.Equal(0, empty.Kpis.DoorUtilisation);
        Assert.Equal(0, empty.Kpis.StagingPeakPallets);
        Assert.Equal(240, empty.Kpis.StagingCapacityPallets);
    }
}
