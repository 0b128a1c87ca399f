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

    /// <summary>The same result without the carriers a planner set aside (listed as excluded, with the reason).</summary>
    public RateShopResult SetAside(IReadOnlyCollection<string> scacs) => scacs.Count == 0
        ? this
        : new RateShopResult(
            Candidates.Where(q => !scacs.Contains(q.Scac)).ToList(),
            [.. Excluded, .. scacs.Where(s => Candidates.Concat(Expedited ?? []).Any(q => q.Scac == s)).Distinct()
                .Select(s => new ExcludedCarrier(s, null, "set aside by a planner when re-tendering"))],
            Expedited?.Where(q => !scacs.Contains(q.Scac)).ToList());

    /// <summary>The quote of a carrier and mode, on time or (when expediting) late.</summary>
    public CarrierQuote? Find(string scac, ServiceMode mode) =>
        Candidates.Concat(Expedited ?? []).FirstOrDefault(q => q.Scac == scac && q.Mode == mode);

    /// <summary>What expediting with <paramref name="quote"/> costs over the cheapest carrier that could take the freight at all.</summary>
    public decimal PremiumOf(CarrierQuote quote) => Expedited is { Count: > 0 } late ? Math.Max(0, quote.Total - late.Min(q => q.Total)) : 0;

    /// <summary>Whom to tender, in order: the feasible quotes, or when none is on time, the late ones to expedite.</summary>
    public IReadOnlyList<CarrierQuote> TenderPlan => Candidates.Count > 0 ? Candidates : Expedited ?? [];

    /// <summary>True when the tender plan is late freight being expedited.</summary>
    public bool IsExpedited => Candidates.Count == 0 && Expedited is { Count: > 0 };

    /// <summary>The rate shop in one line for the shipment's history: the best quote, the expedite choice, or why nobody can take it.</summary>
    public string Describe(DateTimeOffset requiredDeliveryBy) => Best is { } best
        ? $"{Candidates.Count} feasible quote(s), {Excluded.Count} excluded; best {best.Scac} {best.Mode} {best.Equipment} ${best.Total:0.00} " +
          $"(score {best.Score:0.00}, delivers {best.EstimatedDelivery:u})"
        : Expedited is [var first, ..]
        ? $"no carrier can deliver by {requiredDeliveryBy:u}: expediting with the earliest of {Expedited.Count} late option(s), " +
          $"{first.Scac} {first.Mode} {first.Equipment} ${first.Total:0.00} delivers {first.EstimatedDelivery:u} ({LateDelivery.Describe(first.LateBy!.Value)} late, " +
          $"premium ${PremiumOf(first):0.00} over the cheapest late option)"
        : Excluded is [{ Scac: "*" } only]
        ? only.Reason
        : $"no feasible carrier; {Excluded.Count} excluded: {string.Join("; ", Excluded.Take(5).Select(e => $"{e.Scac}: {e.Reason}"))}";

    /// <summary>What booking <paramref name="quote"/> means for the delivery date: null when it is on time.</summary>
    public LateDelivery? LateDeliveryOf(CarrierQuote quote) =>
        quote.LateBy is { } lateBy ? LateDelivery.For(quote, lateBy, PremiumOf(quote)) : null;
}

/// <summary>
/// A booking that delivers after the required date: no carrier could make it, so the one delivering earliest was booked.
/// <see cref="PremiumCost"/> is what that costs over the cheapest carrier that could carry the freight at all.
/// </summary>
public sealed record LateDelivery(DateTimeOffset RequiredDeliveryBy, DateTimeOffset ExpectedDelivery, TimeSpan LateBy, decimal PremiumCost, string Reason)
{
    public static LateDelivery For(CarrierQuote quote, TimeSpan lateBy, decimal premium)
    {
        DateTimeOffset required = quote.EstimatedDelivery - lateBy;
        return new LateDelivery(required, quote.EstimatedDelivery, lateBy, premium,
            $"No carrier could deliver by {required:u}; {quote.Scac} delivers earliest, {quote.EstimatedDelivery:u} " +
            $"({Describe(lateBy)} late), ${quote.Total:0.00} — ${premium:0.00} more than the cheapest carrier that could take it. Tell the consignee.");
    }

    /// <summary>Lateness in words: days from a day on, hours below.</summary>
    public static string Describe(TimeSpan lateBy) =>
        lateBy.TotalDays >= 1 ? $"{lateBy.TotalDays:0.#} day(s)" : $"{lateBy.TotalHours:0.#} h";
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
