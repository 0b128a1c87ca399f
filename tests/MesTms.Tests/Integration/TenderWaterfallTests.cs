using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.Azure.Cosmos;

namespace MesTms.Tests.Integration;

/// <summary>
/// Rate shopping and the tender waterfall through the whole workflow: completion event in, simulated carriers
/// (or a test acting as the carrier through the HTTP API) answering, booking or exhaustion out.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class TenderWaterfallTests(EmulatorFixture emulators)
{
    static Task<TestApp> StartAsync(EmulatorFixture emulators, Dictionary<string, string?>? extra = null) =>
        TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(extra));

    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task The_cheapest_feasible_carrier_is_booked_and_planners_are_notified()
    {
        await using TestApp app = await StartAsync(emulators);
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));

        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        CarrierQuote best = booked.RateShop!.Candidates[0];
        Assert.Equal(booked.RateShop.Candidates.Min(c => c.Score), best.Score);
        Assert.Equal(best.Scac, booked.Booking!.Scac);
        Assert.Equal(best.Total, booked.Booking.Price);
        Assert.NotNull(booked.Booking.PickupConfirmation);
        Assert.Equal("accepted", Assert.Single(booked.Tenders).Outcome);
        Assert.Contains(booked.RateShop.Excluded, e => e.Scac == "PRFB" && e.Reason.Contains("no enclosed trailer"));
        Assert.Equal(1, await app.Service<CosmosStore>().Notifications.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'mestms.shipment.booked.v1'"));
    }

    [Fact]
    public async Task Hazmat_is_never_tendered_to_an_uncertified_carrier()
    {
        // Every certified carrier declines: the waterfall must still never reach an uncertified one.
        await using TestApp app = await StartAsync(emulators, new()
        {
            ["MesTms:Carriers:Simulation:AcceptanceProbability"] = "0",
        });
        string order = NewOrder();
        JsonObject completed = MesEvents.Completed(order);
        completed["data"]!["hazmat"] = new JsonObject { ["unNumber"] = "UN1263", ["hazardClass"] = "3", ["packingGroup"] = "II" };
        await app.PostEventsAsync(MesEvents.Batch(completed));

        Shipment exhausted = await app.WaitForShipmentAsync(order, ShipmentStatus.TenderExhausted);

        HashSet<string> certified = ["CLDX", "GHZC", "RDWL", "ODLT"];
        Assert.NotEmpty(exhausted.Tenders);
        Assert.All(exhausted.Tenders, t => Assert.Contains(t.Scac, certified));
        Assert.Contains(exhausted.RateShop!.Excluded, e => e.Scac == "SWFL" && e.Reason.Contains("not hazmat certified"));
        Assert.Equal(1, await app.Service<CosmosStore>().Notifications.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'mestms.tender.exhausted.v1'"));
    }

    [Fact]
    public async Task A_reefer_order_is_tendered_only_on_reefer_equipment_with_its_temperature_range()
    {
        await using TestApp app = await StartAsync(emulators);
        string order = NewOrder();
        JsonObject completed = MesEvents.Completed(order);
        completed["data"]!["temperature"] = new JsonObject { ["minCelsius"] = -20, ["maxCelsius"] = -18 };
        await app.PostEventsAsync(MesEvents.Batch(completed));

        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        Assert.Equal(Equipment.Reefer, booked.Booking!.Equipment);
        TenderDocument tender = (await app.Service<ITenderStore>().GetAsync(booked.Booking.TenderId))!;
        Assert.Equal(Equipment.Reefer, tender.Tender.Equipment);
        Assert.Equal(-20m, tender.Tender.Temperature!.MinCelsius);
        Assert.Equal(-18m, tender.Tender.Temperature.MaxCelsius);
        Assert.Contains(booked.RateShop!.Excluded, e => e.Scac == "HRTL" && e.Reason.Contains("no reefer"));
    }

    [Fact]
    public async Task Late_freight_is_expedited_with_the_carrier_delivering_earliest_marked_late_with_its_premium_and_planners_are_told()
    {
        // Seattle within 20 h: no carrier's transit time allows it (issue 11, defect 7: this used to end TenderExhausted).
        await using TestApp app = await StartAsync(emulators);
        string order = NewOrder();
        JsonObject completed = MesEvents.Completed(order);
        completed["data"]!["destination"] = new JsonObject { ["locationId"] = "DC-SEA-01", ["postalCode"] = "98108", ["country"] = "US" };
        completed["data"]!["requiredDeliveryBy"] = TestClock.Now.AddHours(20).ToString("yyyy-MM-ddTHH:mm:ssZ");
        completed["data"]!["completedAt"] = TestClock.Now.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ");
        await app.PostEventsAsync(MesEvents.Batch(completed));

        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        Assert.Contains(booked.RateShop!.Excluded, e => e.Scac == "HRTL" && e.Reason.StartsWith("cannot deliver by"));
        CarrierQuote earliest = booked.RateShop.Expedited![0];
        Assert.Equal(earliest.Scac, booked.Booking!.Scac);
        Assert.Equal(booked.RateShop.Expedited.Min(q => q.EstimatedDelivery), booked.Booking.EstimatedDelivery);
        LateDelivery late = Assert.IsType<LateDelivery>(booked.Late);
        Assert.Equal(booked.Booking.EstimatedDelivery - booked.RequiredDeliveryBy!.Value, late.LateBy);
        Assert.True(late.LateBy > TimeSpan.Zero);
        Assert.Equal(earliest.Total - booked.RateShop.Expedited.Min(q => q.Total), late.PremiumCost);
        Assert.Contains(booked.Decisions, d => d.Decision == "Rate shopped" && d.Reason.Contains("expediting"));
        Assert.Contains(booked.Decisions, d => d.Decision == "Expedited, delivers late" && d.Reason.Contains("late"));
        JsonElement notice = Assert.Single(await NotificationsAsync(app, "mestms.shipment.late.v1", order));
        Assert.Equal(late.PremiumCost, notice.GetProperty("data").GetProperty("premiumCost").GetDecimal());
    }

    [Fact]
    public async Task Freight_no_carrier_can_carry_at_all_escalates_as_exhausted()
    {
        // No contracted carrier serves Canada: nothing can carry it, late or not.
        await using TestApp app = await StartAsync(emulators);
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order).WithDestination("DC-MTL-01", "H4T1E3", "CA")));

        Shipment exhausted = await app.WaitForShipmentAsync(order, ShipmentStatus.TenderExhausted);

        Assert.Empty(exhausted.Tenders);
        Assert.Null(exhausted.Late);
        Assert.Null(exhausted.RateShop!.Expedited);
        Assert.Contains("No carrier can take this shipment", exhausted.Decisions[^1].Reason);
        Assert.Single(await NotificationsAsync(app, "mestms.tender.exhausted.v1", order));
    }

    static async Task<List<JsonElement>> NotificationsAsync(TestApp app, string type, string orderId)
    {
        QueryDefinition query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.data.orderId = @id")
            .WithParameter("@type", type).WithParameter("@id", orderId);
        var found = new List<JsonElement>();
        using FeedIterator<JsonElement> feed = app.Service<CosmosStore>().Notifications.GetItemQueryIterator<JsonElement>(query);
        while (feed.HasMoreResults)
        {
            found.AddRange(await feed.ReadNextAsync());
        }

        return found;
    }

    [Fact]
    public async Task A_decline_and_a_timeout_each_move_the_tender_to_the_next_carrier()
    {
        // Best to Atlanta is Swiftline (declines), then Guardian (never answers), then ColdChain (accepts).
        await using TestApp app = await StartAsync(emulators, new()
        {
            ["MesTms:Carriers:Simulation:Carriers:SWFL:AcceptanceProbability"] = "0",
            ["MesTms:Carriers:Simulation:Carriers:GHZC:Silent"] = "true",
            ["MesTms:Shipment:TenderResponseTimeout"] = "00:00:02",
        });
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));

        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        Assert.Equal(["SWFL", "GHZC", "CLDX"], booked.Tenders.Select(t => t.Scac));
        Assert.Equal(["declined", "timed out", "accepted"], booked.Tenders.Select(t => t.Outcome));
        Assert.Equal("CLDX", booked.Booking!.Scac);
        Assert.Contains(booked.Decisions, d => d.Decision == "Tender declined" && d.Reason.Contains("No capacity"));
        Assert.Contains(booked.Decisions, d => d.Decision == "Tender timed out");

        // Each outcome moved the carrier's observed tender acceptance (contract figures: 0.76, 0.94, 0.90).
        IReadOnlyDictionary<string, CarrierPerformance> observed = await app.Service<ICarrierPerformanceStore>().GetAllAsync();
        Assert.Equal(0.684m, observed["SWFL"].TenderAcceptanceRate);
        Assert.Equal(0.846m, observed["GHZC"].TenderAcceptanceRate);
        Assert.Equal(0.91m, observed["CLDX"].TenderAcceptanceRate);
    }

    [Fact]
    public async Task Carrier_answers_through_the_API_first_answer_counts_and_a_duplicate_changes_nothing()
    {
        await using TestApp app = await StartAsync(emulators, new()
        {
            ["MesTms:Carriers:Simulation:Carriers:SWFL:Silent"] = "true",
        });
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment tendering = await app.WaitForShipmentAsync(order, ShipmentStatus.Tendering);
        string tenderId = Assert.Single(tendering.Tenders).TenderId;

        var accept = new { decision = "accept", scac = "SWFL", pickupConfirmation = new { carrierReference = "SWFL-PRO-123" } };
        HttpResponseMessage first = await app.Http.PostAsJsonAsync($"api/tenders/{tenderId}/response", accept);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("recorded", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        // Booked, and the booking's dock decision (door or none) recorded: nothing else is pending.
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.Decisions.Any(d => d.Key.StartsWith("dock-", StringComparison.Ordinal)));

        HttpResponseMessage again = await app.Http.PostAsJsonAsync($"api/tenders/{tenderId}/response", accept);
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        HttpResponseMessage changedMind = await app.Http.PostAsJsonAsync($"api/tenders/{tenderId}/response", new { decision = "decline", reason = "changed our mind" });
        Assert.Equal(HttpStatusCode.Conflict, changedMind.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Http.PostAsJsonAsync($"api/tenders/{tenderId}/response", new { decision = "accept", scac = "HRTL" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.PostAsJsonAsync("api/tenders/nope.T1/response", accept)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.PostAsJsonAsync($"api/tenders/{tenderId}/response", new { decision = "maybe" })).StatusCode);

        await Task.Delay(500);
        Shipment after = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);
        Assert.Equal(booked.Decisions.Count, after.Decisions.Count);
        Assert.Single(after.Decisions, d => d.Decision == "Booked");
        Assert.Equal("SWFL-PRO-123", after.Booking!.PickupConfirmation!.CarrierReference);
    }

    [Fact]
    public async Task A_carriers_stated_answer_time_dates_the_booking_and_one_from_the_future_is_refused_naming_answeredAt()
    {
        await using TestApp app = await StartAsync(emulators, new()
        {
            ["MesTms:Carriers:Simulation:Carriers:SWFL:Silent"] = "true",
            ["MesTms:Shipment:HandlingAllowance"] = "00:01:00",
        });
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order, now: app.Now)));
        Shipment tendering = await app.WaitForShipmentAsync(order, ShipmentStatus.Tendering);
        TenderRecord tender = Assert.Single(tendering.Tenders);

        HttpResponseMessage ahead = await app.Http.PostAsJsonAsync($"api/tenders/{tender.TenderId}/response",
            new { decision = "accept", scac = "SWFL", answeredAt = app.Now.AddHours(1) });
        Assert.Equal(HttpStatusCode.BadRequest, ahead.StatusCode);
        JsonElement problem = await ahead.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "answeredAt");
        Assert.Equal(ShipmentStatus.Tendering, (await app.WaitForShipmentAsync(order, ShipmentStatus.Tendering)).Status);

        // Answered a moment ago by its own clock (not before the tender went out): the booking is dated by that answer.
        DateTimeOffset answered = app.Now.AddSeconds(-5) > tender.SentAt ? app.Now.AddSeconds(-5) : tender.SentAt;
        HttpResponseMessage accepted = await app.Http.PostAsJsonAsync($"api/tenders/{tender.TenderId}/response",
            new { decision = "accept", scac = "SWFL", answeredAt = answered });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);
        Assert.Equal(answered, booked.Booking!.BookedAt);
        Assert.True(booked.Booking.RecordedAt >= answered, $"recorded {booked.Booking.RecordedAt:O}, answered {answered:O}");
    }

    [Fact]
    public async Task A_hold_while_a_tender_waits_for_its_answer_withdraws_the_tender_and_the_order_is_tendered_again_after_release()
    {
        await using TestApp app = await StartAsync(emulators, new()
        {
            ["MesTms:Carriers:Simulation:Carriers:SWFL:Silent"] = "true",
            ["MesTms:Shipment:TenderResponseTimeout"] = "00:30:00",
        });
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        string tenderId = Assert.Single((await app.WaitForShipmentAsync(order, ShipmentStatus.Tendering)).Tenders).TenderId;

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(order, "QH-21")));
        Shipment held = await app.WaitForShipmentAsync(order, ShipmentStatus.OnQualityHold, s => s.Tenders.Any(t => t.Outcome == "withdrawn"));
        Assert.Null(held.Booking);
        Assert.Contains(held.Decisions, d => d.Decision == "Tender withdrawn" && d.Reason.Contains("QH-21") && d.Reason.Contains(tenderId));
        var carriers = (SimulatedCarrierGateway)app.Service<ICarrierGateway>();
        Assert.Contains(carriers.Received, m => m.Kind == "withdrawal" && m.TenderId == tenderId && m.Scac == "SWFL");

        // The carrier's late acceptance is refused: the tender is gone.
        HttpResponseMessage late = await app.Http.PostAsJsonAsync($"api/tenders/{tenderId}/response", new { decision = "accept", scac = "SWFL" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("tender-withdrawn", await late.Content.ReadAsStringAsync());

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldReleased(order, "QH-21")));
        Shipment again = await app.WaitForShipmentAsync(order, ShipmentStatus.Tendering, s => s.Tenders.Count == 2);
        string retender = again.Tenders[1].TenderId;
        Assert.EndsWith(".R1.T1", retender);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.PostAsJsonAsync($"api/tenders/{retender}/response", new { decision = "accept", scac = "SWFL" })).StatusCode);
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);
        Assert.Equal(retender, booked.Booking!.TenderId);
        Assert.Equal(["withdrawn", "accepted"], booked.Tenders.Select(t => t.Outcome));
    }

    [Fact]
    public async Task A_carrier_answering_in_the_tender_call_books_at_once_and_one_declining_there_moves_the_waterfall_on()
    {
        // Carriers answer inside the tender call (delay 0); the best one, SWFL, declines there.
        await using TestApp app = await StartAsync(emulators, new()
        {
            ["MesTms:Carriers:Simulation:DelayMilliseconds"] = "0",
            ["MesTms:Carriers:Simulation:Carriers:SWFL:AcceptanceProbability"] = "0",
        });
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));

        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        Assert.Equal("SWFL", booked.RateShop!.Candidates[0].Scac);
        Assert.Equal([TenderOutcomes.Declined, TenderOutcomes.Accepted], booked.Tenders.Select(t => t.Outcome));
        Assert.Equal("SWFL", booked.Tenders[0].Scac);
        Assert.Equal(booked.Tenders[1].TenderId, booked.Booking!.TenderId);
        Assert.NotEqual("SWFL", booked.Booking.Scac);
        // The first carrier's answer was recorded once: repeating it through the answers API is a duplicate, changing nothing.
        HttpResponseMessage again = await app.Http.PostAsJsonAsync($"api/tenders/{booked.Tenders[0].TenderId}/response", new { decision = "decline", scac = "SWFL" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        HttpResponseMessage other = await app.Http.PostAsJsonAsync($"api/tenders/{booked.Tenders[0].TenderId}/response", new { decision = "accept", scac = "SWFL" });
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Shipment after = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);
        Assert.Equal(booked.Booking.TenderId, after.Booking!.TenderId);
    }
}
