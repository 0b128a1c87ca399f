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
    decimal Score,
    TimeSpan? LateBy = null);

public sealed record Charge(string Name, decimal Amount);

/// <summary>A carrier (and mode) that could not take the shipment, and why.</summary>
public sealed record ExcludedCarrier(string Scac, ServiceMode? Mode, string Reason);

/// <summary>
/// The feasible quotes, best first, and the carriers excluded with their reasons. When no carrier can deliver by the
/// required date (or it has already passed) but some can carry the freight, <see cref="Expedited"/> lists those late
/// quotes, earliest delivery first: a TMS expedites late freight rather than abandoning it.
/// </summary>
public sealed record RateShopResult(IReadOnlyList<CarrierQuote> Candidates, IReadOnlyList<ExcludedCarrier> Excluded, IReadOnlyList<CarrierQuote>? Expedited = null)
{
    public CarrierQuote? Best => Candidates.Count > 0 ? Candidates[0] : null;

    /// <summary>The quote of a carrier and mode, on time or (when expediting) late.</summary>
    public CarrierQuote? Find(string scac, ServiceMode mode) =>
        Candidates.Concat(Expedited ?? []).FirstOrDefault(q => q.Scac == scac && q.Mode == mode);

    /// <summary>What expediting with <paramref name="quote"/> costs over the cheapest carrier that could take the freight at all.</summary>
    public decimal PremiumOf(CarrierQuote quote) => Expedited is { Count: > 0 } late ? Math.Max(0, quote.Total - late.Min(q => q.Total)) : 0;
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
