using BenchmarkDotNet.Attributes;
using MesTms.Domain.Rating;

namespace MesTms.Benchmarks;

/// <summary>One rate-shopping quote over 50 carriers with 10,000 contract lanes each.</summary>
[MemoryDiagnoser]
public class RateShoppingBenchmarks
{
    public const int Carriers = 50;
    public const int LanesPerCarrier = 10_000;

    RateShopper shopper = null!;
    RatingRequest truckload = null!;
    RatingRequest hazmatLtl = null!;

    [GlobalSetup]
    public void Setup()
    {
        shopper = new RateShopper(SyntheticContracts.Create(Carriers, LanesPerCarrier));
        truckload = SyntheticContracts.Request(LanesPerCarrier, weightLb: 30_000);
        hazmatLtl = SyntheticContracts.Request(LanesPerCarrier, weightLb: 4_000, hazmat: true);
    }

    [Benchmark(Baseline = true)]
    public RateShopResult Truckload() => shopper.Shop(truckload, ShippingCalendar.Default);

    [Benchmark]
    public RateShopResult HazmatMixedModes() => shopper.Shop(hazmatLtl, ShippingCalendar.Default);
}
