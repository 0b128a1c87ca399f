namespace MesTms.Domain.Rating;

/// <summary>One priced option: a carrier, a mode and equipment, with every part of the price and why it ranks where it does.</summary>
public sealed record CarrierQuote(
    string Scac,
    string CarrierName,
    ServiceMode Mode,
    Equipment Equipment,
    decimal Miles,
    string? FreightClass,
    decimal Linehaul,
    decimal StopOffs,
    decimal Fuel,
    IReadOnlyList<Charge> Accessorials,
    decimal Total,
    int TransitDays,
    DateOnly PickupDay,
    DateTimeOffset EstimatedDelivery,
    decimal LateRiskCost,
    decimal RejectionRiskCost,
    decimal Score);

public sealed record Charge(string Name, decimal Amount);

/// <summary>A carrier (and mode) that could not take the shipment, and why.</summary>
public sealed record ExcludedCarrier(string Scac, ServiceMode? Mode, string Reason);

public sealed record RateShopResult(IReadOnlyList<CarrierQuote> Candidates, IReadOnlyList<ExcludedCarrier> Excluded)
{
    public CarrierQuote? Best => Candidates.Count > 0 ? Candidates[0] : null;
}

/// <summary>Trailer limits used for hard constraints.</summary>
public static class Capacity
{
    public sealed record Limit(decimal WeightLb, decimal CubeFt3, int PalletPositions);

    public static readonly Limit DryVan = new(45_000, 3_800, 26);
    public static readonly Limit Reefer = new(43_500, 3_500, 26);
    public static readonly Limit Flatbed = new(48_000, 99_999, 24);

    /// <summary>Beyond this an LTL carrier will not take a shipment (volume / truckload territory).</summary>
    public static readonly Limit Ltl = new(12_000, 750, 12);

    public static Limit For(Equipment equipment) => equipment switch
    {
        Equipment.Reefer => Reefer,
        Equipment.Flatbed => Flatbed,
        _ => DryVan,
    };
}
