using MesTms.Domain.Rating;

namespace MesTms.Benchmarks;

/// <summary>A deterministic, large contract set: N carriers × M lanes each over a synthetic postal geography.</summary>
public static class SyntheticContracts
{
    public static CarrierContractSet Create(int carriers, int lanesPerCarrier, int seed = 42)
    {
        var random = new Random(seed);
        const int origins = 10;
        int destinations = Math.Max(1, lanesPerCarrier / origins);
        var geography = new List<PostalCentroid>();
        for (int p = 0; p < origins + destinations; p++)
        {
            geography.Add(new PostalCentroid($"{p:000}", "US", $"S{p % 50:00}", 25 + (random.NextDouble() * 23), -123 + (random.NextDouble() * 53)));
        }

        var classFactors = FreightClass.All.Select((c, i) => (c, 0.5m + (i * 0.15m))).ToDictionary(x => x.c, x => x.Item2);
        var list = new List<CarrierContract>();
        for (int c = 0; c < carriers; c++)
        {
            var lanes = new List<Lane>(lanesPerCarrier);
            bool ltl = c % 4 == 3;
            for (int d = 0; d < destinations; d++)
            {
                for (int o = 0; o < origins; o++)
                {
                    string destination = $"{origins + d:000}";
                    lanes.Add(ltl
                        ? new Lane($"{o:000}", destination, ServiceMode.Ltl, 1 + random.Next(5), null, new LtlRate(60 + random.Next(20), 90))
                        : new Lane($"{o:000}", destination, ServiceMode.Ftl, 1 + random.Next(4), new FtlRate(1.8m + (random.Next(100) / 100m), null, 400, 75), null));
                }
            }

            list.Add(new CarrierContract($"C{ToLetters(c)}", $"Carrier {c}", c % 5 == 0 ? [Equipment.Reefer] : [Equipment.DryVan, Equipment.Reefer],
                c % 3 == 0, new TemperatureCapability(-25, 25), new CarrierPerformance(0.85m + (random.Next(15) / 100m), 0.8m + (random.Next(20) / 100m), 100),
                lanes, new Accessorials(250, 0.3m, 150, 90, 80, 120)));
        }

        return new CarrierContractSet(
            "synthetic",
            1.18m,
            geography,
            new FuelSurchargeTable(3.79m, [new FuelBand(0, 10, 0.5m, 25)]),
            new LtlBaseTariff(28, 0.085m, classFactors, [new WeightBreak("L5C", 0, 1), new WeightBreak("M5C", 500, 0.82m), new WeightBreak("M1M", 1000, 0.7m), new WeightBreak("M2M", 2000, 0.58m), new WeightBreak("M5M", 5000, 0.45m), new WeightBreak("M10M", 10000, 0.36m), new WeightBreak("M20M", 20000, 0.3m)]),
            new RankingWeights(400, 150),
            list);
    }

    /// <summary>A request whose lane every carrier covers (origin 003, a mid-table destination).</summary>
    public static RatingRequest Request(int lanesPerCarrier, decimal weightLb = 9_500, bool hazmat = false) =>
        new("00321", "US", $"{10 + (lanesPerCarrier / 20):000}45", "US", weightLb, 700, 10,
            hazmat ? new MesTms.Domain.Events.Hazmat("UN1263", "3", "II") : null, null,
            new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero));

    static string ToLetters(int n) => $"{(char)('A' + (n / 26 % 26))}{(char)('A' + (n % 26))}";
}
