using MesTms.Domain.Events;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Rating;

/// <summary>What is being shipped, from where to where, and by when: the input of rate shopping.</summary>
public sealed record RatingRequest(
    string OriginPostalCode,
    string OriginCountry,
    string DestinationPostalCode,
    string DestinationCountry,
    decimal WeightLb,
    decimal CubeFt3,
    int PalletPositions,
    Hazmat? Hazmat,
    TemperatureRange? Temperature,
    DateTimeOffset ReadyAt,
    DateTimeOffset RequiredDeliveryBy,
    int Stops = 1,
    bool Liftgate = false,
    bool Residential = false,
    bool InsideDelivery = false)
{
    /// <summary>Pounds per cubic foot; decides the LTL freight class.</summary>
    public decimal Density => CubeFt3 <= 0 ? 0 : WeightLb / CubeFt3;

    /// <summary>Builds the request for one completed order shipped from a plant.</summary>
    public static RatingRequest ForOrder(ProductionCompleted order, string plantPostalCode, string plantCountry, DateTimeOffset readyAt)
    {
        return new RatingRequest(plantPostalCode, plantCountry, order.Destination.PostalCode, order.Destination.Country,
            decimal.Round(order.TotalWeightLb, 1), decimal.Round(order.TotalCubeFt3, 1), FloorPositions.For(order.HandlingUnits),
            order.Hazmat, order.Temperature, readyAt, order.RequiredDeliveryBy);
    }

    /// <summary>Builds the request for a recorded shipment (an order, or a load's shipment with its members' totals) shipped from a plant.</summary>
    public static RatingRequest ForShipment(Shipment shipment, string plantPostalCode, string plantCountry, DateTimeOffset readyAt) =>
        new(plantPostalCode, plantCountry, shipment.Destination!.PostalCode, shipment.Destination.Country,
            shipment.TotalWeightLb, shipment.TotalCubeFt3, FloorPositions.For(shipment.HandlingUnits ?? []), shipment.Hazmat, shipment.Temperature,
            readyAt, shipment.RequiredDeliveryBy!.Value, Math.Max(1, shipment.Stops));
}

/// <summary>
/// The plant's shipping calendar: freight tendered before the cut-off on a working day is picked up that day,
/// otherwise on the next working day; transit days count working days; delivery is by the end of the delivery
/// day (<see cref="DeliveryHour"/>). Times are UTC.
/// </summary>
public sealed record ShippingCalendar(int PickupCutoffHour, int DeliveryHour, IReadOnlySet<DateOnly> Holidays)
{
    public static readonly ShippingCalendar Default = new(16, 17, new HashSet<DateOnly>());

    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Holidays.Contains(day);

    public DateOnly PickupDay(DateTimeOffset readyAt)
    {
        DateTimeOffset utc = readyAt.ToUniversalTime();
        DateOnly day = DateOnly.FromDateTime(utc.UtcDateTime);
        if (!IsWorkingDay(day) || utc.Hour >= PickupCutoffHour)
        {
            day = NextWorkingDay(day);
        }

        return day;
    }

    /// <summary>
    /// The earliest moment a carrier can collect freight ready at <paramref name="readyAt"/>: that moment itself when it is
    /// picked up the same day, otherwise the start (00:00 UTC) of the pickup day. A door planned before it would stand idle.
    /// </summary>
    public DateTimeOffset EarliestPickup(DateTimeOffset readyAt)
    {
        DateOnly day = PickupDay(readyAt);
        return day == DateOnly.FromDateTime(readyAt.UtcDateTime) ? readyAt : new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    public DateTimeOffset EstimatedDelivery(DateOnly pickup, int transitDays)
    {
        DateOnly day = pickup;
        for (int i = 0; i < transitDays; i++)
        {
            day = NextWorkingDay(day);
        }

        return new DateTimeOffset(day.ToDateTime(new TimeOnly(DeliveryHour, 0)), TimeSpan.Zero);
    }

    DateOnly NextWorkingDay(DateOnly day)
    {
        do
        {
            day = day.AddDays(1);
        }
        while (!IsWorkingDay(day));
        return day;
    }
}
