namespace MesTms.Domain.Events;

/// <summary>A validated MES event: the CloudEvent envelope fields that matter plus its typed data.</summary>
public abstract record MesEvent(string Id, string Type, string Source, string Subject, DateTimeOffset? Time)
{
    public abstract OrderKey Order { get; }
}

public sealed record ProductionCompletedEvent(
    string Id, string Source, string Subject, DateTimeOffset? Time, ProductionCompleted Data)
    : MesEvent(Id, MesEventTypes.ProductionCompleted, Source, Subject, Time)
{
    public override OrderKey Order => new(Data.PlantId, Data.OrderId);
}

public sealed record QualityHoldPlacedEvent(
    string Id, string Source, string Subject, DateTimeOffset? Time, QualityHoldPlaced Data)
    : MesEvent(Id, MesEventTypes.QualityHoldPlaced, Source, Subject, Time)
{
    public override OrderKey Order => new(Data.PlantId, Data.OrderId);
}

public sealed record QualityHoldReleasedEvent(
    string Id, string Source, string Subject, DateTimeOffset? Time, QualityHoldReleased Data)
    : MesEvent(Id, MesEventTypes.QualityHoldReleased, Source, Subject, Time)
{
    public override OrderKey Order => new(Data.PlantId, Data.OrderId);
}

public sealed record ProductionScheduledEvent(
    string Id, string Source, string Subject, DateTimeOffset? Time, ProductionScheduled Data)
    : MesEvent(Id, MesEventTypes.ProductionScheduled, Source, Subject, Time)
{
    public override OrderKey Order => new(Data.PlantId, Data.OrderId);
}

/// <summary>Data of <c>mes.production.completed.v1</c>: QA passed and the order is packaged.</summary>
public sealed record ProductionCompleted(
    string PlantId,
    string LineId,
    string OrderId,
    DateTimeOffset CompletedAt,
    IReadOnlyList<HandlingUnit> HandlingUnits,
    Hazmat? Hazmat,
    TemperatureRange? Temperature,
    Destination Destination,
    DateTimeOffset RequiredDeliveryBy)
{
    public int HandlingUnitCount => HandlingUnits.Sum(h => h.Count);
    public decimal TotalWeightLb => HandlingUnits.Sum(h => h.Count * h.WeightLb);
    public decimal TotalCubeFt3 => HandlingUnits.Sum(h => h.Count * h.CubeFt3);
}

/// <summary>
/// A group of identical handling units (pallets, crates). Dimensions and weight are per unit, each with an
/// explicit unit: <c>dimensionUnit</c> is <c>in</c> or <c>cm</c>, <c>weightUnit</c> is <c>lb</c> or <c>kg</c>.
/// </summary>
public sealed record HandlingUnit(
    int Count,
    decimal Length,
    decimal Width,
    decimal Height,
    string DimensionUnit,
    decimal Weight,
    string WeightUnit,
    bool Stackable)
{
    public decimal WeightLb => WeightUnit == Units.Kilogram ? Weight * Units.PoundsPerKilogram : Weight;

    public decimal CubeFt3
    {
        get
        {
            decimal inches = DimensionUnit == Units.Centimetre ? 1m / Units.CentimetresPerInch : 1m;
            return Length * inches * Width * inches * Height * inches / 1728m;
        }
    }
}

/// <summary>Dangerous-goods identification: UN number, hazard class (e.g. 3, 2.1, 6.1) and packing group.</summary>
public sealed record Hazmat(string UnNumber, string HazardClass, string? PackingGroup);

/// <summary>Required product temperature during transport, in degrees Celsius.</summary>
public sealed record TemperatureRange(decimal MinCelsius, decimal MaxCelsius);

public sealed record Destination(string LocationId, string PostalCode, string Country);

/// <summary>Data of <c>mes.quality.hold.placed.v1</c>.</summary>
public sealed record QualityHoldPlaced(
    string PlantId, string? LineId, string OrderId, string HoldId, string Reason, DateTimeOffset PlacedAt);

/// <summary>Data of <c>mes.quality.hold.released.v1</c>.</summary>
public sealed record QualityHoldReleased(
    string PlantId, string? LineId, string OrderId, string HoldId, DateTimeOffset ReleasedAt, string? ReleasedBy, string? Note);

/// <summary>Data of <c>mes.production.scheduled.v1</c>: a forecast of when an order will complete.</summary>
public sealed record ProductionScheduled(
    string PlantId,
    string LineId,
    string OrderId,
    DateTimeOffset ExpectedCompletionAt,
    IReadOnlyList<HandlingUnit>? HandlingUnits,
    Destination? Destination,
    DateTimeOffset? RequiredDeliveryBy,
    Hazmat? Hazmat = null,
    TemperatureRange? Temperature = null);

/// <summary>Trailer floor positions: a stackable unit can carry one more stackable unit; the rest take a position each.</summary>
public static class FloorPositions
{
    public static int For(int looseUnits, int stackableUnits) => looseUnits + ((stackableUnits + 1) / 2);

    public static int For(IEnumerable<HandlingUnit> units)
    {
        List<HandlingUnit> list = units.ToList();
        return For(list.Where(h => !h.Stackable).Sum(h => h.Count), list.Where(h => h.Stackable).Sum(h => h.Count));
    }
}

public static class Units
{
    public const string Inch = "in";
    public const string Centimetre = "cm";
    public const string Pound = "lb";
    public const string Kilogram = "kg";
    public const decimal PoundsPerKilogram = 2.20462262m;
    public const decimal CentimetresPerInch = 2.54m;
}
