using System.Diagnostics;
using BenchmarkDotNet.Running;
using MesTms.Benchmarks;
using MesTms.Domain.Docks;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;

// dotnet run -c Release --project tests/MesTms.Benchmarks -- --filter *        (BenchmarkDotNet: mean, median, P95)
// dotnet run -c Release --project tests/MesTms.Benchmarks -- --percentiles     (median and p99 of 100,000 single quotes)
// dotnet run -c Release --project tests/MesTms.Benchmarks -- --loads           (10,000 orders: loads vs lower bound, fill, time)
// dotnet run -c Release --project tests/MesTms.Benchmarks -- --docks           (sample plant day: dock dwell and door utilisation)
if (args.Contains("--docks"))
{
    string path = Path.Combine(AppContext.BaseDirectory, "docks.v1.json");
    using FileStream file = File.OpenRead(path);
    PlantDockModel p100 = PlantDockModel.Load(file).Single(p => p.PlantId == "P100");
    var (live, liveRefused, cycle, cycleRefused) = SamplePlantDay.Run(p100);
    Console.WriteLine($"P100 {SamplePlantDay.Day:yyyy-MM-dd}, {p100.Doors.Count} doors {p100.Opens:HH:mm}-{p100.Closes:HH:mm}, 140 loads:");
    Console.WriteLine($"  event-driven:   {live.Appointments} loaded, {liveRefused} without a door; dwell ready->loaded average {live.AverageDwellMinutes:0} min, median {live.MedianDwellMinutes:0} min; door utilisation {live.DoorUtilisation:P1}; staging peak {live.StagingPeakPallets} of {live.StagingCapacityPallets} pallets");
    Console.WriteLine($"  planning cycle: {cycle.Appointments} loaded, {cycleRefused} without a door; dwell ready->loaded average {cycle.AverageDwellMinutes:0} min, median {cycle.MedianDwellMinutes:0} min; door utilisation {cycle.DoorUtilisation:P1}; staging peak {cycle.StagingPeakPallets} of {cycle.StagingCapacityPallets} pallets");
    Console.WriteLine($"  average dwell ratio event-driven / planning cycle: {live.AverageDwellMinutes / cycle.AverageDwellMinutes:0.00}");
    return;
}
if (args.Contains("--loads"))
{
    List<LoadableOrder> orders = LoadBuildingBenchmarks.Generate(LoadBuildingBenchmarks.Orders, seed: 2026);
    LoadBuilder.Build(orders); // warm-up
    var times = new List<double>();
    LoadPlan plan = null!;
    for (int i = 0; i < 5; i++)
    {
        long start = Stopwatch.GetTimestamp();
        plan = LoadBuilder.Build(orders);
        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    times.Sort();
    decimal fill = plan.Loads.Average(l => l.Fill(Capacity.For(l.Equipment)));
    Console.WriteLine($"{orders.Count} orders -> {plan.Loads.Count} loads, lower bound {plan.LowerBound} ({(decimal)plan.Loads.Count / plan.LowerBound:0.000}x), " +
        $"average fill {fill:P1}, {plan.Unloadable.Count} unloadable; build time median {times[2]:0} ms of 5 runs");
    return;
}

if (args.Contains("--percentiles"))
{
    var shopper = new RateShopper(SyntheticContracts.Create(RateShoppingBenchmarks.Carriers, RateShoppingBenchmarks.LanesPerCarrier));
    RatingRequest request = SyntheticContracts.Request(RateShoppingBenchmarks.LanesPerCarrier, weightLb: 30_000);
    RateShopResult sample = shopper.Shop(request, ShippingCalendar.Default);
    Console.WriteLine($"{RateShoppingBenchmarks.Carriers} carriers x {RateShoppingBenchmarks.LanesPerCarrier} lanes: {sample.Candidates.Count} candidates, {sample.Excluded.Count} excluded");
    for (int i = 0; i < 5_000; i++)
    {
        shopper.Shop(request, ShippingCalendar.Default);
    }

    const int runs = 100_000;
    var samples = new double[runs];
    for (int i = 0; i < runs; i++)
    {
        long start = Stopwatch.GetTimestamp();
        shopper.Shop(request, ShippingCalendar.Default);
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    Array.Sort(samples);
    Console.WriteLine($"one quote: median {samples[runs / 2]:0.0} µs, p99 {samples[(int)(runs * 0.99)]:0.0} µs, max {samples[^1]:0.0} µs ({runs} runs)");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RateShoppingBenchmarks).Assembly).Run(args);
