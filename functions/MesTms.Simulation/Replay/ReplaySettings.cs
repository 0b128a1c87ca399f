using MesTms.Domain;
using MesTms.Domain.Docks;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Simulation.Replay;

/// <summary>How transport learns what the MES reports.</summary>
public enum PlanningPolicy
{
    /// <summary>Each event is handled the moment it happens (plus the bridge's own latency), as the live bridge does.</summary>
    EventDriven,

    /// <summary>Transport learns of completions and holds only at planning runs (an MES-to-TMS file transfer); each run plans everything since the last.</summary>
    Batch,
}

/// <summary>Where a plant ships from (the origin of every rate shop).</summary>
public sealed record PlantAddress(string PostalCode, string Country = "US");

/// <summary>
/// How the simulated carriers behave. Every draw is a deterministic function of the seed and the tender id, so both policies
/// meet the same carriers answering the same tender the same way.
/// </summary>
public sealed record CarrierBehaviour
{
    /// <summary>Chance a carrier accepts a tender; null: each carrier's contract tender-acceptance rate.</summary>
    public double? AcceptanceRate { get; init; }

    /// <summary>A carrier answers a tender after a delay drawn uniformly from this range (beyond the tender timeout: no answer).</summary>
    public TimeSpan AnswerDelayMin { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan AnswerDelayMax { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>A booked truck arrives at the plant after a delay drawn uniformly from this range (moved into dock hours).</summary>
    public TimeSpan ArrivalAfterBookingMin { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan ArrivalAfterBookingMax { get; init; } = TimeSpan.FromHours(3);

    /// <summary>
    /// When set, how a carrier answers a tender, by the live bridge's tender id (<c>{plant}.{shipment}[.R{revision}].T{attempt}</c>)
    /// and SCAC: true accepts. It replaces the acceptance draw, so the replay can meet the very carriers a bridge runs with.
    /// </summary>
    public Func<string, string, bool>? Accepts { get; init; }

    /// <summary>
    /// When set, the statuses a carrier reports for its booked truck, by tender id, SCAC and the booked shipment (with its
    /// door): each is applied when its moment comes by the live bridge's carrier-progress rules
    /// (<see cref="CarrierProgressRules"/>), so the judged pick-up and delivery move the carrier's observed performance and a
    /// late truck's door follows it, as they do live. Without it the replay's trucks report nothing.
    /// </summary>
    public Func<string, string, Shipment, IReadOnlyList<CarrierStatusReport>>? Reports { get; init; }
}

/// <summary>What a plant-day replay needs beyond the events: docks, contracts, carriers, costs and the batch planning runs.</summary>
public sealed record ReplaySettings
{
    public required IReadOnlyList<PlantDockModel> Docks { get; init; }

    public required CarrierContractSet Contracts { get; init; }

    public required IReadOnlyDictionary<string, PlantAddress> Plants { get; init; }

    public CarrierBehaviour Carriers { get; init; } = new();

    public int Seed { get; init; } = 1;

    /// <summary>Time a truck may spend on site (arrival to departure) before detention is charged.</summary>
    public TimeSpan DetentionFreeTime { get; init; } = TimeSpan.FromHours(2);

    public decimal DetentionRatePerHour { get; init; } = 75m;

    /// <summary>The batch policy's planning runs, plant time (the dock model's clock: UTC in the shipped models), every day.</summary>
    public IReadOnlyList<TimeOnly> BatchRuns { get; init; } = [new(8, 0), new(14, 0)];

    /// <summary>Event-driven only: from the MES event to the bridge acting on it (measured locally well under a second at 5 events/s).</summary>
    public TimeSpan EventLatency { get; init; } = TimeSpan.FromSeconds(2);

    public ShipmentPolicy Shipment { get; init; } = new() { Consolidate = true };

    public ConsolidationPolicy Consolidation { get; init; } = new();

    /// <summary>How many days ahead a door is searched when the first day is full.</summary>
    public int DockDaysAhead { get; init; } = 7;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Carriers.AcceptanceRate is < 0 or > 1)
        {
            problems.Add("carriers.acceptanceRate must be from 0 to 1");
        }

        if (Carriers.AnswerDelayMin < TimeSpan.Zero || Carriers.AnswerDelayMax < Carriers.AnswerDelayMin)
        {
            problems.Add("carriers.answerDelayMin must be at least 0 and at most answerDelayMax");
        }

        if (Carriers.ArrivalAfterBookingMin < TimeSpan.Zero || Carriers.ArrivalAfterBookingMax < Carriers.ArrivalAfterBookingMin)
        {
            problems.Add("carriers.arrivalAfterBookingMin must be at least 0 and at most arrivalAfterBookingMax");
        }

        if (DetentionFreeTime < TimeSpan.Zero || DetentionRatePerHour < 0)
        {
            problems.Add("detentionFreeTime and detentionRatePerHour cannot be negative");
        }

        if (BatchRuns.Count == 0)
        {
            problems.Add("batch runs: at least one planning run time is needed");
        }

        if (EventLatency < TimeSpan.Zero || EventLatency > TimeSpan.FromHours(1))
        {
            problems.Add("eventLatency must be between 00:00:00 and 01:00:00");
        }

        if (DockDaysAhead is < 1 or > 60)
        {
            problems.Add("dockDaysAhead must be 1-60");
        }

        problems.AddRange(Shipment.Validate());
        problems.AddRange(Consolidation.Validate("consolidation"));
        return problems;
    }
}

/// <summary>A uniform number in [0, 1) from a seed and a key (FNV-1a): the same on every run and every machine.</summary>
public static class SeededDraw
{
    public static double Draw(int seed, string key)
    {
        unchecked
        {
            // Finalised (murmur3 fmix32) so keys that differ only in their last characters still spread over [0, 1).
            uint hash = Fnv1a(seed, key);
            hash ^= hash >> 16;
            hash *= 0x85ebca6bu;
            hash ^= hash >> 13;
            hash *= 0xc2b2ae35u;
            hash ^= hash >> 16;
            return hash / 4294967296.0;
        }
    }

    /// <summary>The 32-bit FNV-1a hash of <paramref name="key"/>, salted with the seed.</summary>
    public static uint Fnv1a(int seed, string key)
    {
        unchecked
        {
            uint hash = 2166136261u ^ (uint)seed;
            foreach (char c in key)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return hash;
        }
    }

    /// <summary>A duration drawn uniformly between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static TimeSpan Between(TimeSpan min, TimeSpan max, double draw) => min + TimeSpan.FromTicks((long)((max - min).Ticks * draw));
}
