using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

/// <summary>Carrier statuses on a booked shipment: facts taken once, in any order, judged against the door and the promise.</summary>
public sealed class CarrierProgressTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    static readonly ShipmentPolicy Policy = new();
    static readonly DateTimeOffset DoorAt = T0.AddHours(6);
    const string Tender = "P100.PO-1.T1";

    static Shipment Booked()
    {
        var completed = new ProductionCompleted("P100", "L1", "PO-1", T0,
            [new HandlingUnit(2, 48, 40, 50, "in", 800, "lb", true)], null, null, new Destination("DC-1", "30303", "US"), T0.AddDays(3));
        var quote = new CarrierQuote("ACME", "Acme Freight", ServiceMode.Ftl, Equipment.DryVan, 500, null, 900, 0, 100, [], 1000, 1,
            DateOnly.FromDateTime(T0.UtcDateTime), T0.AddDays(1), 0, 0, 1000);
        return Shipment.Register(new OrderKey("P100", "PO-1"), completed, "evt-1", T0, T0, T0)
            .Decide("ready-1", T0, "Ready to ship", "no hold", T0, becomes: ShipmentStatus.ReadyToShip)
            .RecordRateShop(0, new RateShopResult([quote], []), "v1", "1 quote", T0, T0)
            .RecordTender(new TenderRecord(Tender, "ACME", ServiceMode.Ftl, Equipment.DryVan, 1000, T0, T0.AddHours(2)), 1, "Acme Freight", T0)
            .Book(Tender, null, T0.AddMinutes(5), T0.AddMinutes(5))
            .ScheduleDock(new DockAppointment("PO-1", "D01", DoorAt, DoorAt.AddMinutes(45), T0, 2, "ACME", DockAppointment.Booked), "dock", "Dock", "door", T0, T0);
    }

    static (Shipment, CarrierStatusEffect) Report(Shipment s, string code, DateTimeOffset at, string tender = Tender) =>
        CarrierProgressRules.Apply(s, tender, new CarrierStatusReport(code, at, City: "Joliet", State: "IL"), Policy, at);

    [Fact]
    public void A_full_sequence_moves_the_shipment_to_delivered_and_judges_both_ends()
    {
        (Shipment s, CarrierStatusEffect arrived) = Report(Booked(), CarrierStatusCodes.ArrivedAtPickup, DoorAt.AddMinutes(10));
        Assert.Equal(ShipmentStatus.Booked, s.Status);
        Assert.True(arrived is { Recorded: true, PickupJudged: true, BecameLate: false });
        Assert.True(s.Progress!.PickedUpOnTime);

        (s, CarrierStatusEffect departed) = Report(s, CarrierStatusCodes.DepartedPickup, DoorAt.AddHours(3));
        Assert.Equal(ShipmentStatus.InTransit, s.Status);
        Assert.True(departed.Departed);
        Assert.Equal(TimeSpan.FromMinutes(170), s.Progress!.TimeAtDock);
        Assert.Equal(TimeSpan.FromMinutes(50), s.Progress.Detention);
        Assert.Contains("detention", s.Decisions[^1].Reason);

        (s, _) = Report(s, CarrierStatusCodes.ArrivedAtDelivery, T0.AddDays(1));
        (s, CarrierStatusEffect delivered) = Report(s, CarrierStatusCodes.Delivered, T0.AddDays(1).AddHours(1));
        Assert.Equal(ShipmentStatus.Delivered, s.Status);
        Assert.True(delivered is { Delivered: true, DeliveryJudged: true });
        Assert.True(s.Progress!.DeliveredOnTime);
        Assert.Equal("Joliet, IL", s.Progress.LastLocation);
    }

    [Fact]
    public void A_repeated_status_changes_nothing_and_an_earlier_one_arriving_late_does_not_go_back()
    {
        (Shipment delivered, _) = Report(Booked(), CarrierStatusCodes.Delivered, T0.AddDays(4));
        Assert.Equal(ShipmentStatus.Delivered, delivered.Status);
        Assert.False(delivered.Progress!.DeliveredOnTime); // due by the required delivery, T0 + 3 days
        Assert.Equal(TimeSpan.FromDays(1), delivered.Progress.DeliveryLateBy);

        (Shipment again, CarrierStatusEffect repeat) = Report(delivered, CarrierStatusCodes.Delivered, T0.AddDays(5));
        Assert.Same(delivered, again);
        Assert.False(repeat.Recorded);

        (Shipment departedAfter, CarrierStatusEffect late) = Report(delivered, CarrierStatusCodes.DepartedPickup, DoorAt.AddMinutes(40));
        Assert.Equal(ShipmentStatus.Delivered, departedAfter.Status);
        Assert.False(late.Departed);
        Assert.True(departedAfter.Progress!.PickedUpOnTime); // left before the door's end + grace
    }

    [Fact]
    public void A_truck_arriving_after_the_grace_is_late_once()
    {
        (Shipment s, CarrierStatusEffect arrived) = Report(Booked(), CarrierStatusCodes.ArrivedAtPickup, DoorAt.AddMinutes(75));
        Assert.True(arrived.BecameLate);
        Assert.False(s.Progress!.PickedUpOnTime);
        Assert.Equal(TimeSpan.FromMinutes(75), s.Progress.PickupLateBy);
        Assert.Contains("late", s.Decisions[^1].Reason);

        (_, CarrierStatusEffect departed) = Report(s, CarrierStatusCodes.DepartedPickup, DoorAt.AddHours(2));
        Assert.False(departed.BecameLate);
        Assert.False(departed.PickupJudged);
    }

    [Fact]
    public void A_late_truck_takes_its_door_along_until_it_left()
    {
        DockAppointment door = Booked().DockAppointment!;
        (Shipment late, _) = Report(Booked(), CarrierStatusCodes.ArrivedAtPickup, DoorAt.AddMinutes(75));
        Assert.Equal(DoorAt.AddMinutes(75), CarrierProgressRules.DoorFollowsTruckFrom(late.Progress!, door));

        // Not once the door has seen the truck, nor after it left, nor for a truck on time.
        Assert.Null(CarrierProgressRules.DoorFollowsTruckFrom(late.Progress!, door with { ArrivedAt = DoorAt.AddMinutes(75) }));
        (Shipment gone, _) = Report(late, CarrierStatusCodes.DepartedPickup, DoorAt.AddHours(2));
        Assert.Null(CarrierProgressRules.DoorFollowsTruckFrom(gone.Progress!, door));
        (Shipment onTime, _) = Report(Booked(), CarrierStatusCodes.ArrivedAtPickup, DoorAt.AddMinutes(20));
        Assert.Null(CarrierProgressRules.DoorFollowsTruckFrom(onTime.Progress!, door));
    }

    [Fact]
    public void Statuses_for_another_tender_or_an_unbooked_shipment_are_refused()
    {
        (Shipment s, CarrierStatusEffect other) = Report(Booked(), CarrierStatusCodes.ArrivedAtPickup, DoorAt, "P100.PO-1.T2");
        Assert.Null(s.Progress);
        Assert.Contains("not the booking", other.Refusal);

        Shipment held = Booked().Decide("hold-1", T0, "Held", "x", T0, becomes: ShipmentStatus.OnQualityHold);
        (Shipment heldDeparted, CarrierStatusEffect gone) = Report(held, CarrierStatusCodes.DepartedPickup, DoorAt);
        Assert.Equal(ShipmentStatus.OnQualityHold, heldDeparted.Status); // the fact is kept; the status stays for planners
        Assert.NotNull(heldDeparted.Progress!.DepartedPickup);
        Assert.False(gone.Departed);
    }

    [Theory]
    [InlineData(ShipmentStatus.InTransit, ShipmentStatus.Delivered, true)]
    [InlineData(ShipmentStatus.InTransit, ShipmentStatus.OnQualityHold, false)]
    [InlineData(ShipmentStatus.Delivered, ShipmentStatus.InTransit, false)]
    [InlineData(ShipmentStatus.Tendering, ShipmentStatus.InTransit, false)]
    [InlineData(ShipmentStatus.Booked, ShipmentStatus.InTransit, true)]
    public void Freight_that_left_only_goes_on_to_delivered(ShipmentStatus from, ShipmentStatus to, bool allowed) =>
        Assert.Equal(allowed, Shipment.MayBecome(from, to));

    [Fact]
    public void Observed_late_pickups_lower_the_pickup_rate_and_raise_the_late_risk_in_ranking()
    {
        var contract = new CarrierPerformance(0.95m, 0.9m, 0);
        Assert.Equal(0.95m, contract.ServiceRate); // no pick-up figure yet: the delivery figure stands in

        CarrierPerformance late = contract;
        for (int i = 0; i < 5; i++)
        {
            late = late.Observe(deliveredOnTime: null, tenderAccepted: null, pickedUpOnTime: false);
        }

        Assert.Equal(0.95m, late.OnTimeRate);
        Assert.Equal(0.561m, decimal.Round(late.PickupRate, 3));
        Assert.True(late.ServiceRate < contract.ServiceRate);
        Assert.Equal(0.955m, contract.Observe(deliveredOnTime: true, tenderAccepted: null).OnTimeRate);
    }
}
