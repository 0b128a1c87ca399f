using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Simulation.Replay;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

public sealed class PlantDayReplayTests
{
    static readonly CarrierContractSet Contracts = LoadContracts();
    static readonly RateShopper Shopper = new(Contracts);
    static readonly IReadOnlyList<PlantDockModel> Docks = LoadDocks();

    // Tuesday 8 Dec 2026: a working day with working days after it.
    static readonly DateOnly Day = new(2026, 12, 8);

    static CarrierContractSet LoadContracts()
    {
        using FileStream file = File.OpenRead(RateShopperTests.SampleContractsPath);
        return CarrierContractValidator.Load(file);
    }

    static IReadOnlyList<PlantDockModel> LoadDocks()
    {
        using FileStream file = File.OpenRead(Path.Combine(Path.GetDirectoryName(RateShopperTests.SampleContractsPath)!, "docks.v1.json"));
        return PlantDockModel.Load(file);
    }

    static ReplaySettings Settings(Func<ReplaySettings, ReplaySettings>? change = null)
    {
        var settings = new ReplaySettings
        {
            Docks = Docks,
            Contracts = Contracts,
            Plants = new Dictionary<string, PlantAddress> { ["P100"] = new("46218") },
            Carriers = new CarrierBehaviour { AcceptanceRate = 1, AnswerDelayMin = TimeSpan.FromMinutes(10), AnswerDelayMax = TimeSpan.FromMinutes(10),
                ArrivalAfterBookingMin = TimeSpan.FromHours(1), ArrivalAfterBookingMax = TimeSpan.FromHours(1) },
            Shipment = new ShipmentPolicy { Consolidate = false },
        };
        return change?.Invoke(settings) ?? settings;
    }

    static DateTimeOffset At(int hour, int minute, int days = 0) => new(Day.AddDays(days).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    static ScenarioEvent Completed(string order, DateTimeOffset at, int pallets = 10, int dueDays = 5, string postal = "30336", string location = "DC-ATL") =>
        new(new ProductionCompletedEvent($"evt-{order}", $"/plants/P100/lines/L1", $"orders/{order}", at,
            new ProductionCompleted("P100", "L1", order, at, [new HandlingUnit(pallets, 48, 40, 50, "in", 1000, "lb", false)], null, null,
                new Destination(location, postal, "US"), at.AddDays(dueDays))), at);

    static ScenarioEvent Hold(string order, string hold, DateTimeOffset at) =>
        new(new QualityHoldPlacedEvent($"hold-{order}-{hold}", "/plants/P100/lines/L1", $"orders/{order}", at,
            new QualityHoldPlaced("P100", "L1", order, hold, "seal check", at)), at);

    static ScenarioEvent Release(string order, string hold, DateTimeOffset at) =>
        new(new QualityHoldReleasedEvent($"release-{order}-{hold}", "/plants/P100/lines/L1", $"orders/{order}", at,
            new QualityHoldReleased("P100", "L1", order, hold, at, "qa", null)), at);

    static ReplayRun Run(PlanningPolicy policy, ReplaySettings settings, params ScenarioEvent[] events) =>
        PlantDayReplay.Run(events.OrderBy(e => e.At).ToList(), settings, policy, Shopper);

    [Fact]
    public void Batch_waits_for_the_next_planning_run_and_event_driven_acts_within_a_minute()
    {
        ScenarioEvent[] day = [Completed("PO-1", At(8, 1)), Completed("PO-2", At(11, 0)), Completed("PO-3", At(14, 30))];

        ReplayRun batch = Run(PlanningPolicy.Batch, Settings(), day);
        ReplayRun live = Run(PlanningPolicy.EventDriven, Settings(), day);

        Assert.Equal([359.0, 180.0, 1050.0], batch.Orders.Select(o => o.FirstActionMinutes!.Value));
        Assert.All(live.Orders, o => Assert.InRange(o.FirstActionMinutes!.Value, 0, 1));
        Assert.All(live.Orders.Concat(batch.Orders), o => Assert.Equal(ShipmentStatus.Booked, o.Status));
        PolicyMeasures measures = PolicyMeasures.Of(batch);
        Assert.Equal(359.0, measures.CompletionToFirstActionMinutes.P50);
        Assert.Equal(1050.0, measures.CompletionToFirstActionMinutes.P95);
    }

    [Fact]
    public void A_booked_truck_arrives_after_the_answer_and_the_arrival_lead_and_leaves_after_loading()
    {
        // Answer after 10 min, truck on site 1 h later; 10 pallets load in 15 + 15 min = 30 min (one slot).
        ReplayRun live = Run(PlanningPolicy.EventDriven, Settings(), Completed("PO-1", At(9, 0)));

        OrderOutcome order = Assert.Single(live.Orders);
        TruckOutcome truck = Assert.Single(live.Trucks);
        Assert.Equal(At(9, 0).AddSeconds(2).AddMinutes(10), truck.BookedAt);
        Assert.Equal(truck.BookedAt.AddHours(1), truck.ArrivesAt);
        Assert.Equal(At(10, 30), truck.Appointment!.Start);
        Assert.Equal(At(11, 0), order.DepartsAt);
        Assert.Equal(120.0, order.DockToDepartureMinutes);
        Assert.Equal(0m, truck.DetentionHours);
        Assert.Equal(At(9, 0), order.FreightReadyAt);
    }

    [Fact]
    public void A_truck_its_carrier_reports_late_has_its_door_follow_it_and_the_booked_door_is_kept()
    {
        // The booking reserves 10:30 (as above); the carrier then reports its truck at the gate at 12:05, 95 min late: the
        // live bridge's rules move the door to the first slot from the arrival, and the truck leaves after loading there.
        var reported = new List<string>();
        ReplaySettings settings = Settings(s => s with
        {
            Carriers = s.Carriers with
            {
                Reports = (tenderId, scac, booked) =>
                {
                    reported.Add($"{tenderId} {scac} {booked.DockAppointment!.DoorId} {booked.DockAppointment.Start:HH:mm}");
                    DateTimeOffset arrived = booked.DockAppointment.Start.AddMinutes(95);
                    return [new CarrierStatusReport(CarrierStatusCodes.ArrivedAtPickup, arrived), new CarrierStatusReport(CarrierStatusCodes.DepartedPickup, arrived.AddMinutes(40))];
                },
            },
        });

        ReplayRun live = Run(PlanningPolicy.EventDriven, settings, Completed("PO-1", At(9, 0)));

        OrderOutcome order = Assert.Single(live.Orders);
        Assert.Equal(At(10, 30), order.DoorAtBooking!.Start);
        Assert.Equal($"P100.PO-1.T1 {order.Scac} {order.DoorAtBooking.DoorId} 10:30", Assert.Single(reported));
        Assert.Equal(At(12, 30), order.LoadingStartsAt);
        Assert.Equal(At(13, 0), order.DepartsAt);
        TruckOutcome truck = Assert.Single(live.Trucks);
        Assert.Equal(At(12, 5), truck.Appointment!.ArrivedAt);
        Assert.Equal(At(12, 45), truck.Appointment.DepartedAt);
    }

    [Fact]
    public void Without_carrier_reports_the_booked_door_is_where_the_truck_loads()
    {
        OrderOutcome order = Assert.Single(Run(PlanningPolicy.EventDriven, Settings(), Completed("PO-1", At(9, 0))).Orders);

        Assert.Equal(order.LoadingStartsAt, order.DoorAtBooking!.Start);
        Assert.Equal(order.DoorId, order.DoorAtBooking.DoorId);
    }

    [Fact]
    public void Detention_is_charged_for_time_on_site_past_the_free_time()
    {
        // One door only: three trucks arrive together at 10:10 and load 10:30, 11:00 and 11:30, for 30 min each. On site
        // 50, 80 and 110 min: with 50 min free, the second pays 0.5 h and the third 1 h at $100/h.
        PlantDockModel oneDoor = Docks.Single(d => d.PlantId == "P100") with { Doors = [new DockDoor("D01", [DoorCapability.Standard])] };
        ReplaySettings settings = Settings(s => s with
        {
            Docks = [oneDoor], EventLatency = TimeSpan.Zero, DetentionFreeTime = TimeSpan.FromMinutes(50), DetentionRatePerHour = 100,
        });

        ReplayRun live = Run(PlanningPolicy.EventDriven, settings,
            Completed("PO-1", At(9, 0)), Completed("PO-2", At(9, 0)), Completed("PO-3", At(9, 0)));

        List<TruckOutcome> byDoorTime = live.Trucks.OrderBy(t => t.Appointment!.Start).ToList();
        Assert.Equal([At(10, 30), At(11, 0), At(11, 30)], byDoorTime.Select(t => t.Appointment!.Start));
        Assert.All(byDoorTime, t => Assert.Equal(At(10, 10), t.ArrivesAt));
        Assert.Equal([0m, 0.5m, 1m], byDoorTime.Select(t => t.DetentionHours));
        Assert.Equal([0m, 50m, 100m], byDoorTime.Select(t => t.DetentionCost));
        PolicyMeasures measures = PolicyMeasures.Of(live);
        Assert.Equal(1.5m, measures.DetentionHours);
        Assert.Equal(150m, measures.DetentionCost);
    }

    [Fact]
    public void An_order_that_misses_its_ship_by_under_batch_is_expedited_at_a_premium()
    {
        // Completed Tuesday 14:30, due Thursday 17:00 to Atlanta: event-driven it leaves Tuesday; batch plans it Wednesday 08:00.
        ScenarioEvent urgent = Completed("PO-9", At(14, 30), dueDays: 2);
        ReplaySettings settings = Settings(s => s with { BatchRuns = [new TimeOnly(8, 0)] });

        OrderOutcome live = Assert.Single(Run(PlanningPolicy.EventDriven, settings, urgent).Orders);
        OrderOutcome batch = Assert.Single(Run(PlanningPolicy.Batch, settings, urgent).Orders);

        Assert.True(live.OnTime);
        Assert.Equal(0m, live.PremiumFreightCost);
        Assert.Equal(At(8, 0, days: 1), batch.FirstActionAt);
        Assert.True(batch.FirstActionAt > live.DepartsAt);
        // Planned Wednesday, no carrier delivers by Thursday 14:30: the earliest (a truckload, Thursday 17:00) is expedited,
        // at the domain's premium over the cheapest late option.
        Assert.False(batch.OnTime);
        Assert.True(batch.Premium);
        ReplayRun batchRun = Run(PlanningPolicy.Batch, settings, urgent);
        TruckOutcome truck = Assert.Single(batchRun.Trucks);
        Assert.True(truck.Expedited);
        Assert.Equal(truck.PremiumCost, batch.PremiumFreightCost);
        Assert.Equal(1, PolicyMeasures.Of(batchRun).PremiumFreightOrders);
        Assert.Equal(truck.PremiumCost, PolicyMeasures.Of(batchRun).PremiumFreightCost);
        SavingsRow row = Assert.Single(SavingsRow.Compare(batchRun, Run(PlanningPolicy.EventDriven, settings, urgent)));
        Assert.Equal(truck.PremiumCost, row.PremiumFreightAvoided);
        Assert.Contains("batch missed the ship-by and paid to expedite", row.Difference);
    }

    [Fact]
    public void A_held_order_waits_for_its_release_and_its_freight_is_ready_from_then()
    {
        ReplayRun live = Run(PlanningPolicy.EventDriven, Settings(),
            Hold("PO-1", "QH-1", At(8, 30)), Completed("PO-1", At(9, 0)), Release("PO-1", "QH-1", At(12, 0)));

        OrderOutcome order = Assert.Single(live.Orders);
        Assert.Equal(At(12, 0), order.FreightReadyAt);
        Assert.True(order.FirstActionAt >= At(12, 0));
        Assert.Contains(order.Decisions, d => d.Status == ShipmentStatus.OnQualityHold);
        Assert.Equal(ShipmentStatus.Booked, order.Status);
    }

    [Fact]
    public void Both_policies_meet_the_same_carriers_with_the_same_seed()
    {
        ReplaySettings settings = Settings(s => s with { Carriers = s.Carriers with { AcceptanceRate = 0.5 }, Seed = 42 });
        ScenarioEvent[] day = Enumerable.Range(1, 12).Select(i => Completed($"PO-{i}", At(7 + i, 5))).ToArray();

        ReplayRun live = Run(PlanningPolicy.EventDriven, settings, day);
        ReplayRun batch = Run(PlanningPolicy.Batch, settings, day);
        ReplayRun again = Run(PlanningPolicy.EventDriven, settings, day);

        // Draws follow the order and the carrier, so a carrier tendered an order answers alike under both policies (and on a rerun).
        var liveAnswers = live.Trucks.SelectMany(t => t.Tenders.Select(a => (t.TruckId, a.Scac, a.Outcome))).ToList();
        var batchAnswers = batch.Trucks.SelectMany(t => t.Tenders.Select(a => (t.TruckId, a.Scac, a.Outcome))).ToList();
        var both = liveAnswers.Select(a => (a.TruckId, a.Scac)).Intersect(batchAnswers.Select(a => (a.TruckId, a.Scac))).ToList();
        Assert.True(both.Count >= 12, $"{both.Count} tenders in common");
        Assert.Contains(liveAnswers, a => a.Outcome == TenderAnswer.Declined);
        Assert.All(both, pair => Assert.Equal(liveAnswers.First(a => (a.TruckId, a.Scac) == pair).Outcome, batchAnswers.First(a => (a.TruckId, a.Scac) == pair).Outcome));
        Assert.Equal(live.Orders.Select(o => (o.Scac, o.BookedAt)), again.Orders.Select(o => (o.Scac, o.BookedAt)));
        ReplayRun otherSeed = Run(PlanningPolicy.EventDriven, settings with { Seed = 7 }, day);
        Assert.NotEqual(liveAnswers, otherSeed.Trucks.SelectMany(t => t.Tenders.Select(a => (t.TruckId, a.Scac, a.Outcome))).ToList());
    }

    [Fact]
    public void Consolidation_fills_trucks_with_the_live_open_load_rules()
    {
        ReplaySettings settings = Settings(s => s with { Shipment = new ShipmentPolicy { Consolidate = true } });
        // Eight 4-pallet orders to one DC within an hour: consolidated onto fewer trucks than orders.
        ScenarioEvent[] day = Enumerable.Range(0, 8).Select(i => Completed($"PO-{i}", At(9, i * 7), pallets: 4)).ToArray();

        ReplayRun live = Run(PlanningPolicy.EventDriven, settings, day);

        Assert.All(live.Orders, o => Assert.Equal(ShipmentStatus.Booked, o.Status));
        Assert.True(live.Trucks.Count < 8, $"{live.Trucks.Count} trucks for 8 orders");
        Assert.All(live.Trucks.Where(t => t.OrderIds.Count > 1), t => Assert.StartsWith("L-P100-", t.TruckId));
        Assert.Equal(8, live.Trucks.Sum(t => t.OrderIds.Count));
    }

    [Fact]
    public void A_hold_that_changes_a_booked_load_materially_re_plans_its_carrier_by_the_load_lifecycle()
    {
        // Six 4-pallet orders to one DC close a load; one goes on hold after the load is booked, before its truck comes.
        // Its 4 of 24 floor positions are more than the 10 % a booking survives: the load lifecycle withdraws the plan and
        // tenders the rebuilt load afresh (revision 1), as the live load workflow does.
        ReplaySettings settings = Settings(s => s with { Shipment = new ShipmentPolicy { Consolidate = true } });
        List<ScenarioEvent> day = Enumerable.Range(0, 6).Select(i => Completed($"PO-{i}", At(9, i), pallets: 4)).ToList();
        ReplayRun before = Run(PlanningPolicy.EventDriven, settings, [.. day]);
        TruckOutcome load = Assert.Single(before.Trucks);
        Assert.Equal(6, load.OrderIds.Count);
        DateTimeOffset held = load.BookedAt.AddMinutes(5);
        Assert.True(held < load.Appointment!.Start, "the hold must come before the truck loads");

        ReplayRun after = Run(PlanningPolicy.EventDriven, settings, [.. day, Hold("PO-5", "QH-1", held)]);

        Assert.Equal(ShipmentStatus.OnQualityHold, after.Orders.Single(o => o.OrderId == "PO-5").Status);
        TruckOutcome replanned = Assert.Single(after.Trucks);
        Assert.Equal(load.TruckId, replanned.TruckId);
        Assert.Equal(5, replanned.OrderIds.Count);
        OrderOutcome member = after.Orders.Single(o => o.OrderId == "PO-0");
        Assert.Equal(ShipmentStatus.Booked, member.Status);
        Assert.Contains(member.Decisions, d => d.Key == $"booked-P100.{load.TruckId}.T1");
        Assert.Contains(member.Decisions, d => d.Key == $"booked-P100.{load.TruckId}.R1.T1");
        Assert.True(replanned.BookedAt > held);
    }

    [Fact]
    public void A_small_change_to_a_booked_load_keeps_its_carrier()
    {
        // Two-pallet orders to one DC: the last order on the fullest load leaves with 2 of 26 floor positions (8 %), within
        // the 10 % a booking survives.
        ReplaySettings settings = Settings(s => s with { Shipment = new ShipmentPolicy { Consolidate = true } });
        List<ScenarioEvent> day = [.. Enumerable.Range(0, 13).Select(i => Completed($"PO-{i}", At(9, i), pallets: 2))];
        TruckOutcome load = Run(PlanningPolicy.EventDriven, settings, [.. day]).Trucks.MaxBy(t => t.OrderIds.Count)!;
        Assert.True(load.OrderIds.Count >= 8, $"{load.OrderIds.Count} orders on the fullest load");
        string small = load.OrderIds[^1];

        ReplayRun after = Run(PlanningPolicy.EventDriven, settings, [.. day, Hold(small, "QH-1", load.BookedAt.AddMinutes(5))]);

        TruckOutcome kept = after.Trucks.Single(t => t.TruckId == load.TruckId);
        Assert.Equal(load.BookedAt, kept.BookedAt);
        Assert.DoesNotContain(small, kept.OrderIds);
        Assert.Equal(ShipmentStatus.OnQualityHold, after.Orders.Single(o => o.OrderId == small).Status);
        Assert.DoesNotContain(after.Orders.SelectMany(o => o.Decisions), d => d.Key.Contains(".R1.", StringComparison.Ordinal));
    }

    [Fact]
    public void Orders_on_a_load_no_carrier_takes_end_tender_exhausted_and_every_order_is_counted_once()
    {
        ReplaySettings settings = Settings(s => s with
        {
            Shipment = new ShipmentPolicy { Consolidate = true },
            Carriers = s.Carriers with { AcceptanceRate = 0 },
        });
        ScenarioEvent[] day = Enumerable.Range(0, 6).Select(i => Completed($"PO-{i}", At(9, i), pallets: 5)).ToArray();

        ReplayRun live = Run(PlanningPolicy.EventDriven, settings, day);

        Assert.All(live.Orders, o => Assert.Equal(ShipmentStatus.TenderExhausted, o.Status));
        Assert.Empty(live.Trucks);
        PolicyMeasures measures = PolicyMeasures.Of(live);
        Assert.Equal((6, 0, 6, 0), (measures.Orders, measures.Booked, measures.Exhausted, measures.OnHold));
    }

    [Fact]
    public void The_next_planning_run_is_the_first_at_or_after_the_moment()
    {
        TimeOnly[] runs = [new(14, 0), new(8, 0)];
        Assert.Equal(At(8, 0), PlantDayReplay.NextRun(At(8, 0), runs));
        Assert.Equal(At(14, 0), PlantDayReplay.NextRun(At(8, 1), runs));
        Assert.Equal(At(8, 0, days: 1), PlantDayReplay.NextRun(At(14, 1), runs));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        Percentiles p = Percentiles.Of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
        Assert.Equal(10, p.P50);
        Assert.Equal(19, p.P95);
        Assert.Equal(new Percentiles(null, null), Percentiles.Of([]));
    }
}
