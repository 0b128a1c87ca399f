using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

public sealed class ShipmentAggregateTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    static readonly OrderKey Order = new("P100", "PO-1");

    static Shipment Registered()
    {
        var completed = new ProductionCompleted("P100", "L1", "PO-1", T0,
            [new HandlingUnit(2, 48, 40, 50, "in", 800, "lb", true)], null, null, new Destination("DC-1", "30303", "US"), T0.AddDays(3));
        return Shipment.Register(Order, completed, "evt-1", T0, T0, T0);
    }

    static Shipment Rated(Shipment shipment)
    {
        var quote = new CarrierQuote("ACME", "Acme Freight", ServiceMode.Ftl, Equipment.DryVan, 500, null, 900, 0, 100, [], 1000, 1,
            DateOnly.FromDateTime(T0.UtcDateTime), T0.AddDays(1), 0, 0, 1000);
        return shipment.Decide("ready-1", T0, "Ready to ship", "no hold", T0, becomes: ShipmentStatus.ReadyToShip)
            .RecordRateShop(0, new RateShopResult([quote], []), "v1", "1 quote", T0, T0);
    }

    [Fact]
    public void Registration_records_the_completion_as_received()
    {
        Shipment shipment = Registered();

        Assert.Equal(ShipmentStatus.Received, shipment.Status);
        Assert.Equal("P100|PO-1", shipment.Id);
        Assert.Equal(1600m, shipment.TotalWeightLb);
        Assert.Equal("received", Assert.Single(shipment.Decisions).Key);
    }

    [Fact]
    public void A_decision_is_recorded_once_per_key_and_a_repeat_returns_the_same_instance()
    {
        Shipment held = Registered().Decide("hold-1", T0, "Held for quality", "QH-1", T0.AddMinutes(1), becomes: ShipmentStatus.OnQualityHold);
        Shipment again = held.Decide("hold-1", T0.AddHours(1), "Held for quality", "QH-1 again", T0.AddHours(1), becomes: ShipmentStatus.ReadyToShip);

        Assert.Same(held, again);
        Assert.Equal(ShipmentStatus.OnQualityHold, again.Status);
        Assert.Equal(2, again.Decisions.Count);
        Assert.Equal(T0.AddMinutes(1), again.UpdatedAt);
    }

    [Fact]
    public void Freight_never_held_is_ready_from_its_completion_and_held_freight_from_when_it_was_recorded_ready()
    {
        Shipment registered = Registered();
        Assert.Null(registered.FreightReadyAt);

        Shipment ready = registered.Decide("ready-1", T0.AddSeconds(40), "Ready", "ok", T0.AddSeconds(40), becomes: ShipmentStatus.ReadyToShip);
        Assert.Equal(T0, ready.FreightReadyAt);
        Assert.Equal(T0.AddSeconds(40), ready.ReadyAt);

        Shipment held = registered.Decide("hold-1", T0.AddMinutes(1), "Held", "QH-1", T0.AddMinutes(1), becomes: ShipmentStatus.OnQualityHold)
            .Decide("ready-2", T0.AddHours(2), "Ready", "released", T0.AddHours(2), becomes: ShipmentStatus.ReadyToShip);
        Assert.Equal(T0.AddHours(2), held.FreightReadyAt);
    }

    [Fact]
    public void Becoming_ready_stamps_ready_at_once()
    {
        Shipment ready = Registered().Decide("ready-1", T0, "Ready", "ok", T0.AddMinutes(5), becomes: ShipmentStatus.ReadyToShip);
        Shipment readyAgain = ready.Decide("hold-2", T0, "Held", "x", T0.AddMinutes(6), becomes: ShipmentStatus.OnQualityHold)
            .Decide("ready-2", T0, "Ready", "ok", T0.AddMinutes(9), becomes: ShipmentStatus.ReadyToShip);

        Assert.Equal(T0.AddMinutes(5), readyAgain.ReadyAt);
    }

    [Theory]
    [InlineData(ShipmentStatus.Received, ShipmentStatus.Tendering, false)]
    [InlineData(ShipmentStatus.Received, ShipmentStatus.Consolidating, false)]
    [InlineData(ShipmentStatus.Received, ShipmentStatus.OnQualityHold, true)]
    [InlineData(ShipmentStatus.Received, ShipmentStatus.ReadyToShip, true)]
    [InlineData(ShipmentStatus.Booked, ShipmentStatus.Received, false)]
    [InlineData(ShipmentStatus.Cancelled, ShipmentStatus.Consolidated, false)]
    [InlineData(ShipmentStatus.Booked, ShipmentStatus.OnQualityHold, true)]
    [InlineData(ShipmentStatus.TenderExhausted, ShipmentStatus.Tendering, true)]
    public void Transitions_are_guarded(ShipmentStatus from, ShipmentStatus to, bool allowed) =>
        Assert.Equal(allowed, Shipment.MayBecome(from, to));

    [Fact]
    public void A_forbidden_transition_throws_and_names_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Registered().Decide("x", T0, "Tendered", "?", T0, becomes: ShipmentStatus.Tendering));
        Assert.Contains("Received to Tendering", e.Message);
    }

    [Fact]
    public void Booked_needs_a_booking_and_only_a_load_is_cancelled()
    {
        Shipment ready = Registered().Decide("ready-1", T0, "Ready", "ok", T0, becomes: ShipmentStatus.ReadyToShip);

        Assert.Contains("without a booking", Assert.Throws<InvalidOperationException>(() => ready.Decide("b", T0, "Booked", "?", T0, becomes: ShipmentStatus.Booked)).Message);
        Assert.Contains("only a load", Assert.Throws<InvalidOperationException>(() => ready.Decide("c", T0, "Cancelled", "?", T0, becomes: ShipmentStatus.Cancelled)).Message);

        Shipment load = Shipment.ForLoad("P100", "L-1", ShipmentStatus.Consolidated, "load-built", "Load built", "2 orders", T0, T0);
        Assert.Equal(ShipmentStatus.Cancelled, load.WithdrawLoadPlan(cancel: true, "empty", "no booking", T0, T0).Status);
    }

    [Fact]
    public void The_tender_waterfall_on_the_aggregate_books_from_the_quote_and_ignores_a_second_acceptance()
    {
        Shipment rated = Rated(Registered());
        var declined = new TenderRecord("P100.PO-1.T1", "ACME", ServiceMode.Ftl, Equipment.DryVan, 1000, T0, T0.AddHours(2));
        Shipment tendering = rated.RecordTender(declined, 1, "Acme Freight", T0);
        Assert.Equal(ShipmentStatus.Tendering, tendering.Status);
        Assert.Same(tendering, tendering.RecordTender(declined, 1, "Acme Freight", T0.AddMinutes(1)));

        Shipment refused = tendering.RecordTenderOutcome(declined.TenderId, "ACME", TenderOutcomes.Declined, "no capacity", T0.AddMinutes(5), T0.AddMinutes(5));
        Assert.Equal(TenderOutcomes.Declined, Assert.Single(refused.Tenders).Outcome);
        Assert.Same(refused, refused.RecordTenderOutcome(declined.TenderId, "ACME", TenderOutcomes.Declined, "no capacity", T0.AddMinutes(6), T0.AddMinutes(6)));

        var second = declined with { TenderId = "P100.PO-1.T2", SentAt = T0.AddMinutes(10) };
        Shipment booked = refused.RecordTender(second, 2, "Acme Freight", T0.AddMinutes(10))
            .Book(second.TenderId, new PickupConfirmation(T0.AddHours(4), T0.AddHours(6), "ACME-1"), T0.AddMinutes(20), T0.AddMinutes(20));

        Assert.Equal(ShipmentStatus.Booked, booked.Status);
        Assert.Equal("P100.PO-1.T2", booked.Booking!.TenderId);
        Assert.Equal(1000m, booked.Booking.Price);
        Assert.Equal(TenderOutcomes.Accepted, booked.Tenders[1].Outcome);
        Assert.Same(booked, booked.Book(second.TenderId, null, T0.AddHours(1), T0.AddHours(1)));
    }

    [Fact]
    public void A_held_booking_is_withdrawn_once_and_the_next_plan_gets_a_new_revision()
    {
        Shipment rated = Rated(Registered());
        var tender = new TenderRecord("P100.PO-1.T1", "ACME", ServiceMode.Ftl, Equipment.DryVan, 1000, T0, T0.AddHours(2));
        Shipment booked = rated.RecordTender(tender, 1, "Acme", T0).Book(tender.TenderId, null, T0, T0);

        Shipment withdrawn = booked.WithdrawBooking("still held", "tender withdrawn before the fee window", T0.AddHours(3), T0.AddHours(3));

        Assert.Equal(ShipmentStatus.OnQualityHold, withdrawn.Status);
        Assert.Null(withdrawn.Booking);
        Assert.Equal(1, withdrawn.PlanRevision);
        Assert.Equal(TenderOutcomes.Withdrawn, Assert.Single(withdrawn.Tenders).Outcome);
        Assert.Same(withdrawn, withdrawn.WithdrawBooking("still held", "again", T0.AddHours(4), T0.AddHours(4)));
    }

    [Fact]
    public void A_load_planned_without_carriers_shows_its_orders_as_consolidated_and_a_booked_one_its_booking()
    {
        Shipment load = Shipment.ForLoad("P100", "L-1", ShipmentStatus.Consolidated, "load-built", "Load built", "2 orders", T0, T0)
            .Decide("planning-off", T0, "Rate shopped", "planning off", T0, becomes: ShipmentStatus.ReadyToShip) with { MemberOrderIds = ["A", "B"] };

        (ShipmentStatus status, string key, string summary) = load.LoadOutcome();
        Assert.Equal(ShipmentStatus.Consolidated, status);
        Assert.Equal("outcome-r0-Consolidated--2", key);
        Assert.Equal("planning off", summary);

        var tender = new TenderRecord("P100.L-1.T1", "ACME", ServiceMode.Ftl, Equipment.DryVan, 1000, T0, T0.AddHours(2));
        Shipment booked = Rated(load).RecordTender(tender, 1, "Acme", T0).Book(tender.TenderId, null, T0, T0);
        (status, key, summary) = booked.LoadOutcome();
        Assert.Equal(ShipmentStatus.Booked, status);
        Assert.Equal("outcome-r0-Booked-P100.L-1.T1-2", key);
        Assert.StartsWith("ACME (Acme Freight) Ftl DryVan $1000.00, pickup", summary);
    }

    [Fact]
    public void Status_is_serialised_by_name_so_the_documents_and_the_api_do_not_change()
    {
        string json = JsonSerializer.Serialize(Registered(), new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.Contains("\"status\":\"Received\"", json);
        Shipment back = JsonSerializer.Deserialize<Shipment>(json.Replace("\"status\":\"Received\"", "\"status\":\"TenderExhausted\""),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(ShipmentStatus.TenderExhausted, back.Status);
    }
}
