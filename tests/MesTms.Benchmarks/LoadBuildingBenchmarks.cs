using BenchmarkDotNet.Attributes;
using MesTms.Domain.Events;
using MesTms.Domain.Loads;

namespace MesTms.Benchmarks;

/// <summary>Building loads for 10,000 ready orders (a week of a large plant) over 8 destination groups.</summary>
[MemoryDiagnoser]
public class LoadBuildingBenchmarks
{
    public const int Orders = 10_000;

    List<LoadableOrder> orders = null!;

    [GlobalSetup]
    public void Setup() => orders = Generate(Orders, seed: 2026);

    [Benchmark]
    public LoadPlan BuildLoads() => LoadBuilder.Build(orders);

    /// <summary>1-12 pallets per order, a third stackable, 1 in 15 dangerous goods, 1 in 8 chilled or frozen.</summary>
    public static List<LoadableOrder> Generate(int count, int seed)
    {
        var random = new Random(seed);
        string[] classes = ["3", "5.1", "8", "4.3", "9", "2.1"];
        var due = new DateTimeOffset(2026, 11, 30, 17, 0, 0, TimeSpan.Zero);
        var list = new List<LoadableOrder>(count);
        for (int i = 0; i < count; i++)
        {
            int pallets = 1 + random.Next(12);
            int stackable = random.Next(3) == 0 ? pallets : 0;
            string? hazard = random.Next(15) == 0 ? classes[random.Next(classes.Length)] : null;
            TemperatureRange? temperature = random.Next(8) == 0 ? (random.Next(2) == 0 ? new(2, 8) : new(-20, -15)) : null;
            list.Add(new LoadableOrder($"O{i:00000}", $"DG{random.Next(8)}", pallets * (700 + random.Next(900)), pallets * (45 + random.Next(25)),
                stackable, pallets - stackable, hazard, temperature, due.AddHours(random.Next(72))));
        }

        return list;
    }
}
