using System.Text.Json;
using System.Text.Json.Serialization;

namespace MesTms.Domain.Rating;

/// <summary>Loads and checks carrier contract files; every problem is named with where it is.</summary>
public static class CarrierContractValidator
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads a contract set (JSON, camelCase) and validates it; throws with every problem found.</summary>
    public static CarrierContractSet Load(Stream json)
    {
        CarrierContractSet? set;
        try
        {
            set = JsonSerializer.Deserialize<CarrierContractSet>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Carrier contracts are not valid JSON: {e.Message}", e);
        }

        if (set is null)
        {
            throw new InvalidDataException("Carrier contracts file is empty.");
        }

        IReadOnlyList<string> problems = Validate(set);
        return problems.Count == 0 ? set : throw new InvalidDataException($"Carrier contracts {set.Version}: {string.Join("; ", problems)}");
    }

    public static IReadOnlyList<string> Validate(CarrierContractSet set)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(set.Version))
        {
            problems.Add("version is required");
        }

        if (set.RoadFactor is < 1 or > 2)
        {
            problems.Add("roadFactor must be between 1 and 2");
        }

        if (set.Geography is null || set.Geography.Count == 0)
        {
            problems.Add("geography must list postal centroids");
        }
        else
        {
            foreach (var duplicate in set.Geography.GroupBy(g => (g.Country, g.Prefix)).Where(g => g.Count() > 1))
            {
                problems.Add($"geography: {duplicate.Key.Country}-{duplicate.Key.Prefix} is listed twice");
            }

            foreach (PostalCentroid g in set.Geography.Where(g => g.Latitude is < -90 or > 90 || g.Longitude is < -180 or > 180))
            {
                problems.Add($"geography: {g.Country}-{g.Prefix} has coordinates out of range");
            }
        }

        FuelSurchargeTable? fuel = set.FuelSurcharge;
        if (fuel is null || fuel.Bands is null || !fuel.Bands.Any(b => fuel.WeeklyDieselPrice >= b.MinPrice && fuel.WeeklyDieselPrice < b.MaxPrice))
        {
            problems.Add($"fuelSurcharge: no band covers the weekly diesel price {fuel?.WeeklyDieselPrice}");
        }

        LtlBaseTariff? tariff = set.LtlTariff;
        if (tariff is null || tariff.WeightBreaks is null || tariff.WeightBreaks.Count == 0 || tariff.WeightBreaks[0].MinLb != 0)
        {
            problems.Add("ltlTariff: weight breaks must start at 0 lb");
        }
        else if (tariff.WeightBreaks.Zip(tariff.WeightBreaks.Skip(1)).Any(p => p.Second.MinLb <= p.First.MinLb))
        {
            problems.Add("ltlTariff: weight breaks must increase");
        }

        if (tariff?.ClassFactors is not null)
        {
            foreach (string missing in FreightClass.All.Where(c => !tariff.ClassFactors.ContainsKey(c)))
            {
                problems.Add($"ltlTariff: no factor for freight class {missing}");
            }
        }

        if (set.Ranking is null || set.Ranking.LatePenalty < 0 || set.Ranking.RetenderCost < 0)
        {
            problems.Add("ranking: latePenalty and retenderCost must be given and not negative");
        }

        if (set.Carriers is null || set.Carriers.Count == 0)
        {
            problems.Add("carriers: at least one carrier is required");
            return problems;
        }

        foreach (var duplicate in set.Carriers.GroupBy(c => c.Scac).Where(g => g.Count() > 1))
        {
            problems.Add($"carriers: SCAC {duplicate.Key} is listed twice");
        }

        foreach (CarrierContract carrier in set.Carriers)
        {
            string at = $"carrier {carrier.Scac}";
            if (string.IsNullOrWhiteSpace(carrier.Scac) || carrier.Scac.Length is < 2 or > 4 || !carrier.Scac.All(char.IsAsciiLetterUpper))
            {
                problems.Add($"{at}: SCAC must be 2-4 capital letters");
            }

            if (carrier.Equipment is null || carrier.Equipment.Count == 0)
            {
                problems.Add($"{at}: equipment is required");
            }
            else if (carrier.Equipment.Contains(Equipment.Reefer) && carrier.Reefer is null)
            {
                problems.Add($"{at}: reefer equipment needs its temperature range");
            }

            if (carrier.Performance is null || carrier.Performance.OnTimeRate is < 0 or > 1 || carrier.Performance.TenderAcceptanceRate is < 0 or > 1
                || carrier.Performance.OnTimePickupRate is < 0 or > 1)
            {
                problems.Add($"{at}: performance rates must be between 0 and 1");
            }

            if (carrier.Accessorials is null)
            {
                problems.Add($"{at}: accessorials are required");
            }

            if (carrier.Cancellation is { } terms && (terms.FreeUntilHoursBeforePickup is < 0 or > 336 || terms.TruckOrderedNotUsedFee < 0))
            {
                problems.Add($"{at}: cancellation terms need 0-336 free hours before pickup and a fee of 0 or more");
            }

            for (int i = 0; i < (carrier.Lanes?.Count ?? 0); i++)
            {
                Lane lane = carrier.Lanes![i];
                string laneAt = $"{at} lane {i} ({lane.Origin} -> {lane.Destination})";
                if (lane.TransitDays is < 0 or > 30)
                {
                    problems.Add($"{laneAt}: transitDays must be 0-30");
                }

                if (lane.Mode == ServiceMode.Ftl && (lane.Ftl is null || (lane.Ftl.PerMile is null) == (lane.Ftl.Flat is null)))
                {
                    problems.Add($"{laneAt}: an FTL lane needs ftl with exactly one of perMile or flat");
                }

                if (lane.Mode == ServiceMode.Ltl && (lane.Ltl is null || lane.Ltl.DiscountPercent is < 0 or >= 100))
                {
                    problems.Add($"{laneAt}: an LTL lane needs ltl with a discount from 0 to 99.99 %");
                }
            }
        }

        return problems;
    }
}
