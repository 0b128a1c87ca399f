namespace MesTms.Domain.Rating;

/// <summary>Trailer and service types a carrier offers.</summary>
public enum Equipment
{
    DryVan,
    Reefer,
    Flatbed,
}

public enum ServiceMode
{
    /// <summary>Full truckload: the trailer is the shipment's; priced per mile or flat.</summary>
    Ftl,

    /// <summary>Less than truckload: priced by freight class and weight break off a base tariff.</summary>
    Ltl,
}

/// <summary>
/// A versioned set of carrier contracts as shipped in <c>carriers.v1.json</c> (replaceable per deployment):
/// the geography used for distances, the fuel-surcharge table, the LTL base tariff and the carriers.
/// </summary>
public sealed record CarrierContractSet(
    string Version,
    decimal RoadFactor,
    IReadOnlyList<PostalCentroid> Geography,
    FuelSurchargeTable FuelSurcharge,
    LtlBaseTariff LtlTariff,
    RankingWeights Ranking,
    IReadOnlyList<CarrierContract> Carriers);

/// <summary>The centroid of a 3-digit postal prefix (US ZIP3), with its state, for distances and lane matching.</summary>
public sealed record PostalCentroid(string Prefix, string Country, string State, double Latitude, double Longitude);

/// <summary>
/// Fuel surcharge keyed to the weekly diesel price (USD/gal): FTL pays <see cref="FuelBand.FtlPerMile"/> per mile,
/// LTL pays <see cref="FuelBand.LtlPercent"/> of the discounted linehaul.
/// </summary>
public sealed record FuelSurchargeTable(decimal WeeklyDieselPrice, IReadOnlyList<FuelBand> Bands);

public sealed record FuelBand(decimal MinPrice, decimal MaxPrice, decimal FtlPerMile, decimal LtlPercent);

/// <summary>
/// LTL base tariff: rate per hundredweight = (<see cref="BaseCwt"/> + <see cref="CwtPerMile"/> × miles)
/// × class factor × weight-break factor. Weight breaks are the industry's L5C, M5C, M1M, M2M, M5M, M10M, M20M.
/// </summary>
public sealed record LtlBaseTariff(
    decimal BaseCwt,
    decimal CwtPerMile,
    IReadOnlyDictionary<string, decimal> ClassFactors,
    IReadOnlyList<WeightBreak> WeightBreaks);

public sealed record WeightBreak(string Name, decimal MinLb, decimal Factor);

/// <summary>How candidates are ranked: expected costs of lateness and of a rejected tender are added to the price.</summary>
public sealed record RankingWeights(decimal LatePenalty, decimal RetenderCost);

public sealed record CarrierContract(
    string Scac,
    string Name,
    IReadOnlyList<Equipment> Equipment,
    bool HazmatCertified,
    TemperatureCapability? Reefer,
    CarrierPerformance Performance,
    IReadOnlyList<Lane> Lanes,
    Accessorials Accessorials,
    CancellationTerms? Cancellation = null);

/// <summary>
/// What cancelling a booked load costs under the carrier's contract: withdrawn at least
/// <see cref="FreeUntilHoursBeforePickup"/> hours before the pickup it is free; later the carrier charges
/// <see cref="TruckOrderedNotUsedFee"/> (TONU). A carrier without terms gets the configured default window.
/// </summary>
public sealed record CancellationTerms(int FreeUntilHoursBeforePickup, decimal TruckOrderedNotUsedFee)
{
    public TimeSpan FeeWindow => TimeSpan.FromHours(FreeUntilHoursBeforePickup);

    /// <summary>
    /// The latest moment a held booking can be withdrawn without the fee: pickup − the carrier's window, or
    /// pickup − <paramref name="defaultWindow"/> for a carrier whose contract has no terms; with the basis in words.
    /// </summary>
    public static (DateTimeOffset WithdrawBy, string Basis) WithdrawalDeadline(CancellationTerms? terms, string scac, DateTimeOffset pickup, TimeSpan defaultWindow)
    {
        TimeSpan window = terms?.FeeWindow ?? defaultWindow;
        string basis = terms is null
            ? $"{window.TotalHours:0.#} h default cancellation-fee window"
            : $"{window.TotalHours:0.#} h cancellation-fee window of {scac}'s contract, TONU ${terms.TruckOrderedNotUsedFee:0.00}";
        return (pickup - window, basis);
    }
}

/// <summary>The temperatures a carrier's reefers can hold, in °C.</summary>
public sealed record TemperatureCapability(decimal MinCelsius, decimal MaxCelsius);

/// <summary>
/// Service performance (0-1): share of deliveries on time, share of tenders accepted, and share of pick-ups on time. The
/// contract gives the starting figures; observed outcomes (carrier status reports, tender answers) move them.
/// A contract without a pick-up figure starts it at the on-time delivery rate.
/// </summary>
public sealed record CarrierPerformance(decimal OnTimeRate, decimal TenderAcceptanceRate, int Observations, decimal? OnTimePickupRate = null)
{
    public const decimal Smoothing = 0.1m;

    /// <summary>The on-time pick-up rate, or the on-time delivery rate while none is known.</summary>
    public decimal PickupRate => OnTimePickupRate ?? OnTimeRate;

    /// <summary>
    /// What ranking weighs as the chance of lateness: the mean of on-time delivery and on-time pick-up (a late truck costs
    /// the door and the crew, and usually the delivery too).
    /// </summary>
    public decimal ServiceRate => (OnTimeRate + PickupRate) / 2;

    /// <summary>Updates the rates from one observed outcome (exponentially weighted, 10 % weight); null: not observed this time.</summary>
    public CarrierPerformance Observe(bool? deliveredOnTime, bool? tenderAccepted, bool? pickedUpOnTime = null) => this with
    {
        OnTimeRate = deliveredOnTime is { } onTime ? Blend(OnTimeRate, onTime) : OnTimeRate,
        TenderAcceptanceRate = tenderAccepted is { } accepted ? Blend(TenderAcceptanceRate, accepted) : TenderAcceptanceRate,
        OnTimePickupRate = pickedUpOnTime is { } pickup ? Blend(PickupRate, pickup) : OnTimePickupRate,
        Observations = Observations + 1,
    };

    static decimal Blend(decimal rate, bool outcome) => decimal.Round(((1 - Smoothing) * rate) + (Smoothing * (outcome ? 1 : 0)), 4);
}

/// <summary>
/// Where a contract applies. Origin and destination match a postal prefix (any length), a state
/// (<c>US-IL</c>) or a country (<c>US</c>); the most specific destination match wins for a carrier.
/// </summary>
public sealed record Lane(
    string Origin,
    string Destination,
    ServiceMode Mode,
    int TransitDays,
    FtlRate? Ftl,
    LtlRate? Ltl);

/// <summary>FTL: per mile or flat, with a minimum charge and a charge per extra stop.</summary>
public sealed record FtlRate(decimal? PerMile, decimal? Flat, decimal MinimumCharge, decimal StopOffCharge);

/// <summary>LTL: discount off the base tariff and an absolute minimum charge.</summary>
public sealed record LtlRate(decimal DiscountPercent, decimal AbsoluteMinimum);

/// <summary>Accessorial charges. Reefer is per mile (FTL) or flat (LTL); the rest are flat per shipment.</summary>
public sealed record Accessorials(decimal Hazmat, decimal ReeferPerMile, decimal ReeferLtlFlat, decimal Liftgate, decimal Residential, decimal InsideDelivery);
