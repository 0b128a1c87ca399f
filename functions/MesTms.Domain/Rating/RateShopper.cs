namespace MesTms.Domain.Rating;

/// <summary>
/// Quotes every carrier whose contract covers a shipment's lane, excludes those that cannot take it (equipment,
/// hazmat, temperature, weight/cube/pallets, delivery after the required date) with the reason, and ranks the
/// rest by score = total price + (1 − on-time rate) × late penalty + (1 − tender acceptance rate) × re-tender cost.
/// Build one per contract set and reuse it: lanes are indexed by destination at construction.
/// </summary>
public sealed class RateShopper
{
    readonly CarrierContractSet contracts;
    readonly Dictionary<string, PostalCentroid> centroids;
    readonly Dictionary<string, List<(int Carrier, Lane Lane)>> lanesByDestination = new(StringComparer.OrdinalIgnoreCase);

    public RateShopper(CarrierContractSet contracts)
    {
        IReadOnlyList<string> problems = CarrierContractValidator.Validate(contracts);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid carrier contracts {contracts.Version}: {string.Join("; ", problems)}", nameof(contracts));
        }

        this.contracts = contracts;
        centroids = contracts.Geography.ToDictionary(g => Key(g.Country, g.Prefix), StringComparer.OrdinalIgnoreCase);
        for (int c = 0; c < contracts.Carriers.Count; c++)
        {
            foreach (Lane lane in contracts.Carriers[c].Lanes)
            {
                if (!lanesByDestination.TryGetValue(lane.Destination, out List<(int, Lane)>? list))
                {
                    lanesByDestination[lane.Destination] = list = [];
                }

                list.Add((c, lane));
            }
        }
    }

    public string Version => contracts.Version;

    public IReadOnlyList<CarrierContract> Carriers => contracts.Carriers;

    /// <param name="observed">Service performance observed since the contracts were written, by SCAC; it replaces the contract's figures.</param>
    public RateShopResult Shop(RatingRequest request, ShippingCalendar calendar, IReadOnlyDictionary<string, CarrierPerformance>? observed = null)
    {
        var candidates = new List<CarrierQuote>();
        var late = new List<CarrierQuote>();
        var excluded = new List<ExcludedCarrier>();
        (string[] destinationKeys, string? destinationState) = MatchKeys(request.DestinationCountry, request.DestinationPostalCode);
        (string[] originKeys, _) = MatchKeys(request.OriginCountry, request.OriginPostalCode);

        // For each carrier and mode, the most specific lane (destination first, then origin).
        var best = new Dictionary<(int Carrier, ServiceMode Mode), (Lane Lane, int Specificity)>();
        for (int k = 0; k < destinationKeys.Length; k++)
        {
            if (!lanesByDestination.TryGetValue(destinationKeys[k], out List<(int Carrier, Lane Lane)>? lanes))
            {
                continue;
            }

            foreach ((int carrier, Lane lane) in lanes)
            {
                int originRank = Array.FindIndex(originKeys, o => string.Equals(o, lane.Origin, StringComparison.OrdinalIgnoreCase));
                if (originRank < 0)
                {
                    continue;
                }

                int specificity = ((destinationKeys.Length - k) * 100) + (originKeys.Length - originRank);
                if (!best.TryGetValue((carrier, lane.Mode), out var current) || specificity > current.Specificity)
                {
                    best[(carrier, lane.Mode)] = (lane, specificity);
                }
            }
        }

        decimal? miles = Miles(request);
        DateOnly pickup = calendar.PickupDay(request.ReadyAt);
        for (int c = 0; c < contracts.Carriers.Count; c++)
        {
            CarrierContract carrier = contracts.Carriers[c];
            bool anyLane = false;
            foreach (ServiceMode mode in new[] { ServiceMode.Ftl, ServiceMode.Ltl })
            {
                if (!best.TryGetValue((c, mode), out var match))
                {
                    continue;
                }

                anyLane = true;
                if (miles is null)
                {
                    excluded.Add(new ExcludedCarrier(carrier.Scac, mode,
                        $"no distance: postal prefix of {request.OriginPostalCode} or {request.DestinationPostalCode} is not in the geography table"));
                    continue;
                }

                CarrierPerformance performance = observed is not null && observed.TryGetValue(carrier.Scac, out CarrierPerformance? seen) ? seen : carrier.Performance;
                (CarrierQuote? quote, string? reason) = Quote(carrier, performance, match.Lane, request, miles.Value, pickup, calendar);
                if (reason is not null)
                {
                    excluded.Add(new ExcludedCarrier(carrier.Scac, mode, reason));
                }

                if (quote is { LateBy: not null })
                {
                    late.Add(quote);
                }
                else if (quote is not null)
                {
                    candidates.Add(quote);
                }
            }

            if (!anyLane)
            {
                excluded.Add(new ExcludedCarrier(carrier.Scac, null,
                    $"no contract lane from {request.OriginCountry}-{request.OriginPostalCode} to {destinationState ?? request.DestinationCountry}-{request.DestinationPostalCode}"));
            }
        }

        candidates.Sort(CompareQuotes);
        // Nothing on time: the carriers that can carry it, earliest delivery first (then the usual score), to expedite.
        List<CarrierQuote>? expedited = candidates.Count == 0 && late.Count > 0
            ? late.OrderBy(q => q.EstimatedDelivery).ThenBy(q => q, Comparer<CarrierQuote>.Create(CompareQuotes)).ToList()
            : null;
        return new RateShopResult(candidates, excluded, expedited);
    }

    (CarrierQuote? Quote, string? Reason) Quote(CarrierContract carrier, CarrierPerformance performance, Lane lane, RatingRequest request, decimal miles, DateOnly pickup, ShippingCalendar calendar)
    {
        if (request.Hazmat is { } hazmat && !carrier.HazmatCertified)
        {
            return (null, $"not hazmat certified (shipment carries {hazmat.UnNumber}, class {hazmat.HazardClass})");
        }

        Equipment equipment;
        if (request.Temperature is { } temperature)
        {
            if (!carrier.Equipment.Contains(Equipment.Reefer) || carrier.Reefer is null)
            {
                return (null, "no reefer equipment for a temperature-controlled shipment");
            }

            if (carrier.Reefer.MinCelsius > temperature.MinCelsius || carrier.Reefer.MaxCelsius < temperature.MaxCelsius)
            {
                return (null, $"reefers hold {carrier.Reefer.MinCelsius}..{carrier.Reefer.MaxCelsius} °C, shipment needs {temperature.MinCelsius}..{temperature.MaxCelsius} °C");
            }

            equipment = Equipment.Reefer;
        }
        else if (carrier.Equipment.Contains(Equipment.DryVan))
        {
            equipment = Equipment.DryVan;
        }
        else if (carrier.Equipment.Contains(Equipment.Reefer))
        {
            equipment = Equipment.Reefer;
        }
        else
        {
            return (null, "no enclosed trailer (dry van or reefer) for palletised freight");
        }

        if (lane.Mode == ServiceMode.Ltl && request.Stops > 1)
        {
            return (null, $"LTL carries one consignee per shipment; this load has {request.Stops} stops");
        }

        Capacity.Limit limit = lane.Mode == ServiceMode.Ltl ? Capacity.Ltl : Capacity.For(equipment);
        if (request.WeightLb > limit.WeightLb || request.CubeFt3 > limit.CubeFt3 || request.PalletPositions > limit.PalletPositions)
        {
            return (null, $"{request.WeightLb:0} lb, {request.CubeFt3:0} ft³, {request.PalletPositions} pallet positions exceed the {lane.Mode} {equipment} limit " +
                $"({limit.WeightLb:0} lb, {limit.CubeFt3:0} ft³, {limit.PalletPositions} positions)");
        }

        DateTimeOffset eta = calendar.EstimatedDelivery(pickup, lane.TransitDays);

        FuelBand band = contracts.FuelSurcharge.Bands.First(b => contracts.FuelSurcharge.WeeklyDieselPrice >= b.MinPrice && contracts.FuelSurcharge.WeeklyDieselPrice < b.MaxPrice);
        var accessorials = new List<Charge>(4);
        decimal linehaul, stopOffs = 0, fuel;
        string? freightClass = null;
        if (lane.Mode == ServiceMode.Ftl)
        {
            FtlRate rate = lane.Ftl!;
            linehaul = Math.Max(rate.Flat ?? (rate.PerMile!.Value * miles), rate.MinimumCharge);
            stopOffs = Math.Max(0, request.Stops - 1) * rate.StopOffCharge;
            fuel = band.FtlPerMile * miles;
            if (equipment == Equipment.Reefer && request.Temperature is not null)
            {
                accessorials.Add(new Charge("reefer", carrier.Accessorials.ReeferPerMile * miles));
            }
        }
        else
        {
            freightClass = FreightClass.FromDensity(request.Density);
            linehaul = LtlLinehaul(lane.Ltl!, request.WeightLb, freightClass, miles);
            fuel = linehaul * band.LtlPercent / 100m;
            if (request.Temperature is not null)
            {
                accessorials.Add(new Charge("reefer", carrier.Accessorials.ReeferLtlFlat));
            }
        }

        if (request.Hazmat is not null)
        {
            accessorials.Add(new Charge("hazmat", carrier.Accessorials.Hazmat));
        }

        if (request.Liftgate)
        {
            accessorials.Add(new Charge("liftgate", carrier.Accessorials.Liftgate));
        }

        if (request.Residential)
        {
            accessorials.Add(new Charge("residential", carrier.Accessorials.Residential));
        }

        if (request.InsideDelivery)
        {
            accessorials.Add(new Charge("inside delivery", carrier.Accessorials.InsideDelivery));
        }

        linehaul = Money(linehaul);
        fuel = Money(fuel);
        decimal total = linehaul + stopOffs + fuel + accessorials.Sum(a => Money(a.Amount));
        decimal lateRisk = Money((1 - performance.ServiceRate) * contracts.Ranking.LatePenalty);
        decimal rejectionRisk = Money((1 - performance.TenderAcceptanceRate) * contracts.Ranking.RetenderCost);
        var quote = new CarrierQuote(carrier.Scac, carrier.Name, lane.Mode, equipment, decimal.Round(miles, 1), freightClass,
            linehaul, stopOffs, fuel, accessorials.Select(a => a with { Amount = Money(a.Amount) }).ToList(), total, lane.TransitDays, pickup, eta,
            lateRisk, rejectionRisk, total + lateRisk + rejectionRisk);

        // Late is a hard constraint for ranking, but the priced quote is kept: it is what expediting would book.
        return eta > request.RequiredDeliveryBy
            ? (quote with { LateBy = eta - request.RequiredDeliveryBy },
                $"cannot deliver by {request.RequiredDeliveryBy:u}: pickup {pickup:yyyy-MM-dd} + {lane.TransitDays} transit day(s) delivers {eta:u}")
            : (quote, null);
    }

    decimal LtlLinehaul(LtlRate rate, decimal weightLb, string freightClass, decimal miles)
    {
        LtlBaseTariff tariff = contracts.LtlTariff;
        decimal perCwtBase = (tariff.BaseCwt + (tariff.CwtPerMile * miles)) * tariff.ClassFactors[freightClass];
        IReadOnlyList<WeightBreak> breaks = tariff.WeightBreaks;
        int index = 0;
        for (int i = 0; i < breaks.Count; i++)
        {
            if (weightLb >= breaks[i].MinLb)
            {
                index = i;
            }
        }

        decimal charge = weightLb / 100m * perCwtBase * breaks[index].Factor;
        if (index + 1 < breaks.Count)
        {
            // Deficit weight: rating at the next break's minimum weight is allowed when it is cheaper.
            charge = Math.Min(charge, breaks[index + 1].MinLb / 100m * perCwtBase * breaks[index + 1].Factor);
        }

        return Math.Max(charge * (1 - (rate.DiscountPercent / 100m)), rate.AbsoluteMinimum);
    }

    decimal? Miles(RatingRequest request)
    {
        if (!centroids.TryGetValue(Key(request.OriginCountry, Prefix3(request.OriginPostalCode)), out PostalCentroid? from) ||
            !centroids.TryGetValue(Key(request.DestinationCountry, Prefix3(request.DestinationPostalCode)), out PostalCentroid? to))
        {
            return null;
        }

        return Distance.RoadMiles(from, to, contracts.RoadFactor);
    }

    /// <summary>Lane keys for a location, most specific first: every postal prefix (longest first), state, country.</summary>
    (string[] Keys, string? State) MatchKeys(string country, string postalCode)
    {
        string compact = new(postalCode.Where(char.IsLetterOrDigit).ToArray());
        string? state = centroids.TryGetValue(Key(country, Prefix3(compact)), out PostalCentroid? centroid) ? $"{country}-{centroid.State}" : null;
        var keys = new List<string>(compact.Length + 2);
        for (int length = compact.Length; length >= 1; length--)
        {
            keys.Add(compact[..length]);
        }

        if (state is not null)
        {
            keys.Add(state);
        }

        keys.Add(country);
        return (keys.ToArray(), state);
    }

    static int CompareQuotes(CarrierQuote a, CarrierQuote b)
    {
        int byScore = a.Score.CompareTo(b.Score);
        if (byScore != 0)
        {
            return byScore;
        }

        int byScac = string.CompareOrdinal(a.Scac, b.Scac);
        return byScac != 0 ? byScac : a.Mode.CompareTo(b.Mode);
    }

    static string Prefix3(string postalCode) => postalCode.Length >= 3 ? postalCode[..3] : postalCode;

    static string Key(string country, string prefix) => $"{country}:{prefix}";

    static decimal Money(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}

/// <summary>Great-circle distance between postal centroids times a road factor: deterministic and reproducible.</summary>
public static class Distance
{
    const double EarthRadiusMiles = 3958.8;

    public static decimal RoadMiles(PostalCentroid from, PostalCentroid to, decimal roadFactor)
    {
        double lat1 = Radians(from.Latitude), lat2 = Radians(to.Latitude);
        double dLat = lat2 - lat1, dLon = Radians(to.Longitude - from.Longitude);
        double a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        double greatCircle = 2 * EarthRadiusMiles * Math.Asin(Math.Min(1, Math.Sqrt(a)));

        // Same prefix: a local move still has a road distance.
        return Math.Max(10m, decimal.Round((decimal)greatCircle * roadFactor, 1));
    }

    static double Radians(double degrees) => degrees * Math.PI / 180;
}

/// <summary>NMFC density-based freight classes (pounds per cubic foot → class).</summary>
public static class FreightClass
{
    static readonly (decimal MinDensity, string Class)[] Table =
    [
        (50m, "50"), (35m, "55"), (30m, "60"), (22.5m, "65"), (15m, "70"), (13.5m, "77.5"), (12m, "85"), (10.5m, "92.5"),
        (9m, "100"), (8m, "110"), (7m, "125"), (6m, "150"), (5m, "175"), (4m, "200"), (3m, "250"), (2m, "300"), (1m, "400"), (0m, "500"),
    ];

    public static IEnumerable<string> All => Table.Select(t => t.Class);

    public static string FromDensity(decimal poundsPerCubicFoot) => Table.First(t => poundsPerCubicFoot >= t.MinDensity).Class;
}
