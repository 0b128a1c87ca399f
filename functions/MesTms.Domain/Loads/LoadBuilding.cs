using MesTms.Domain.Events;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Loads;

/// <summary>An order ready to be loaded: its size, dangerous goods, temperature and delivery deadline.</summary>
public sealed record LoadableOrder(
    string OrderId,
    string DestinationGroup,
    decimal WeightLb,
    decimal CubeFt3,
    int StackableUnits,
    int LooseUnits,
    string? HazardClass,
    TemperatureRange? Temperature,
    DateTimeOffset RequiredDeliveryBy,
    string? StopId = null)
{
    /// <summary>Floor positions when loaded alone: a stackable unit can carry one more stackable unit.</summary>
    public int FloorPositions => Events.FloorPositions.For(LooseUnits, StackableUnits);

    /// <summary>The stop this order is delivered to (its destination location, or the group when none is given).</summary>
    public string Stop => StopId ?? DestinationGroup;

    public static LoadableOrder From(ProductionCompleted order) => new(
        order.OrderId, DestinationGroups.For(order.Destination), decimal.Round(order.TotalWeightLb, 1), decimal.Round(order.TotalCubeFt3, 1),
        order.HandlingUnits.Where(h => h.Stackable).Sum(h => h.Count), order.HandlingUnits.Where(h => !h.Stackable).Sum(h => h.Count),
        order.Hazmat?.HazardClass, order.Temperature, order.RequiredDeliveryBy, order.Destination.LocationId);
}

/// <summary>One trailer's worth of orders and how full it is on each dimension (0-1).</summary>
public sealed record BuiltLoad(
    string DestinationGroup,
    Equipment Equipment,
    IReadOnlyList<LoadableOrder> Orders,
    decimal WeightLb,
    decimal CubeFt3,
    int FloorPositions,
    TemperatureRange? Temperature,
    DateTimeOffset ShipBy)
{
    /// <summary>Distinct delivery stops, in order id order of their first order.</summary>
    public IReadOnlyList<string> Stops => Orders.Select(o => o.Stop).Distinct(StringComparer.Ordinal).ToList();

    public decimal WeightFill(Capacity.Limit limit) => WeightLb / limit.WeightLb;

    public decimal CubeFill(Capacity.Limit limit) => CubeFt3 / limit.CubeFt3;

    public decimal FloorFill(Capacity.Limit limit) => (decimal)FloorPositions / limit.PalletPositions;

    /// <summary>The binding dimension's fill: how full the trailer is for planning purposes.</summary>
    public decimal Fill(Capacity.Limit limit) => Math.Max(WeightFill(limit), Math.Max(CubeFill(limit), FloorFill(limit)));
}

public sealed record LoadPlan(IReadOnlyList<BuiltLoad> Loads, IReadOnlyList<(LoadableOrder Order, string Reason)> Unloadable, int LowerBound);

/// <summary>
/// Hazmat segregation, simplified from the 49 CFR 177.848 segregation table: explosives (class 1 except 1.4) travel
/// alone; poison gas (2.3) not with flammables, oxidizers or corrosives; oxidizers (5.1) and organic peroxides (5.2)
/// not with flammable liquids (3) or spontaneously combustible material (4.2); dangerous-when-wet (4.3) not with
/// corrosives (8). A deployment with its own compliance table replaces <see cref="Compatible"/>.
/// </summary>
public static class HazmatSegregation
{
    static readonly (string A, string B)[] Forbidden =
    [
        ("2.3", "2.1"), ("2.3", "3"), ("2.3", "4.1"), ("2.3", "4.2"), ("2.3", "4.3"), ("2.3", "5.1"), ("2.3", "5.2"), ("2.3", "8"),
        ("5.1", "3"), ("5.1", "4.2"), ("5.2", "3"), ("5.2", "4.2"), ("4.3", "8"),
    ];

    public static bool Compatible(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return true;
        }

        if (IsMassExplosive(a) || IsMassExplosive(b))
        {
            return a == b;
        }

        return !Forbidden.Any(f => (Matches(a, f.A) && Matches(b, f.B)) || (Matches(a, f.B) && Matches(b, f.A)));
    }

    static bool IsMassExplosive(string hazardClass) => hazardClass.StartsWith('1') && hazardClass != "1.4";

    static bool Matches(string hazardClass, string pattern) => hazardClass == pattern || (pattern.Length == 1 && hazardClass.StartsWith(pattern + ".", StringComparison.Ordinal));
}

/// <summary>
/// Builds full truckloads from ready orders. Deterministic: orders are grouped by destination group and
/// temperature class (dry; reefer orders only with overlapping ranges), sorted by their largest share of the
/// trailer (weight, cube or floor positions) descending, then by order id, and placed first-fit into the open
/// trailer that can take them without breaking weight, cube, floor positions, hazmat segregation or temperature
/// compatibility (first-fit decreasing). A repair pass then empties the emptiest trailers into the others where
/// everything fits. A trailer serves at most <c>maxStops</c> distinct stops (multi-stop loads within a destination
/// group; a contract's stop-off charge prices the extra stops). <see cref="LoadPlan.LowerBound"/> is, per group, the
/// largest over the three dimensions of the continuous bound and Martello and Toth's L2 bound (<see cref="LowerBound"/>).
/// </summary>
public static class LoadBuilder
{
    const int RepairCandidates = 8;

    public static LoadPlan Build(IEnumerable<LoadableOrder> orders, Capacity.Limit? dryLimit = null, Capacity.Limit? reeferLimit = null, int maxStops = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStops, 1);
        Capacity.Limit dry = dryLimit ?? Capacity.DryVan;
        Capacity.Limit reefer = reeferLimit ?? Capacity.Reefer;
        var loads = new List<BuiltLoad>();
        var unloadable = new List<(LoadableOrder, string)>();
        int lowerBound = 0;

        foreach (IGrouping<(string Group, bool Reefer), LoadableOrder> group in orders
            .GroupBy(o => (Group: o.DestinationGroup, Reefer: o.Temperature is not null))
            .OrderBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Key.Reefer))
        {
            Capacity.Limit limit = group.Key.Reefer ? reefer : dry;
            Equipment equipment = group.Key.Reefer ? Equipment.Reefer : Equipment.DryVan;
            var fitting = new List<LoadableOrder>();
            foreach (LoadableOrder order in group)
            {
                if (order.WeightLb > limit.WeightLb || order.CubeFt3 > limit.CubeFt3 || order.FloorPositions > limit.PalletPositions)
                {
                    unloadable.Add((order, $"larger than one {equipment} ({limit.WeightLb:0} lb, {limit.CubeFt3:0} ft³, {limit.PalletPositions} positions): split the order"));
                }
                else
                {
                    fitting.Add(order);
                }
            }

            lowerBound += LowerBound(fitting, limit);
            var trailers = new List<Trailer>();
            foreach (LoadableOrder order in fitting.OrderByDescending(o => Share(o, limit)).ThenBy(o => o.OrderId, StringComparer.Ordinal))
            {
                Trailer? target = trailers.FirstOrDefault(t => t.Fits(order, limit, maxStops));
                if (target is null)
                {
                    target = new Trailer();
                    trailers.Add(target);
                }

                target.Add(order);
            }

            Repair(trailers, limit, maxStops);
            loads.AddRange(trailers.Where(t => t.Orders.Count > 0).Select(t => t.ToLoad(group.Key.Group, equipment)));
        }

        return new LoadPlan(loads, unloadable, lowerBound);
    }

    /// <summary>
    /// A lower bound on the trailers these orders need, per dimension the larger of the continuous bound (freight split
    /// freely) and Martello and Toth's L2 bound for bin packing (orders over half a trailer cannot share with each other,
    /// and the small ones must fill what the large ones leave before needing more trailers); the largest over weight,
    /// cube and floor positions (stackable units counted as half a position, as if they could pair across orders).
    /// </summary>
    public static int LowerBound(IReadOnlyCollection<LoadableOrder> orders, Capacity.Limit limit)
    {
        if (orders.Count == 0)
        {
            return 0;
        }

        int weight = BinPackingBound.L2(orders.Select(o => o.WeightLb).ToList(), limit.WeightLb);
        int cube = BinPackingBound.L2(orders.Select(o => o.CubeFt3).ToList(), limit.CubeFt3);
        int floor = BinPackingBound.L2(orders.Select(o => (2m * o.LooseUnits) + o.StackableUnits).ToList(), 2m * limit.PalletPositions);
        return Math.Max(weight, Math.Max(cube, floor));
    }

    static decimal Share(LoadableOrder o, Capacity.Limit limit) =>
        Math.Max(o.WeightLb / limit.WeightLb, Math.Max(o.CubeFt3 / limit.CubeFt3, (decimal)o.FloorPositions / limit.PalletPositions));

    /// <summary>Empties the emptiest trailers into the others where every order fits, emptiest first.</summary>
    static void Repair(List<Trailer> trailers, Capacity.Limit limit, int maxStops)
    {
        bool improved = true;
        while (improved && trailers.Count > 1)
        {
            improved = false;
            // Only the emptiest few trailers are worth emptying; this keeps the pass near-linear for large order sets.
            foreach (Trailer donor in trailers.OrderBy(t => t.Fill(limit)).Take(RepairCandidates).ToList())
            {
                var staged = new Dictionary<Trailer, Trailer>();
                bool all = true;
                foreach (LoadableOrder order in donor.Orders.OrderByDescending(o => Share(o, limit)))
                {
                    Trailer? to = null;
                    foreach (Trailer candidate in trailers)
                    {
                        if (candidate != donor && (staged.GetValueOrDefault(candidate) ?? candidate).Fits(order, limit, maxStops))
                        {
                            to = candidate;
                            break;
                        }
                    }

                    if (to is null)
                    {
                        all = false;
                        break;
                    }

                    if (!staged.TryGetValue(to, out Trailer? copy))
                    {
                        staged[to] = copy = to.Clone();
                    }

                    copy.Add(order);
                }

                if (all)
                {
                    foreach ((Trailer original, Trailer copy) in staged)
                    {
                        trailers[trailers.IndexOf(original)] = copy;
                    }

                    trailers.Remove(donor);
                    improved = true;
                    break;
                }
            }
        }
    }

    sealed class Trailer
    {
        public List<LoadableOrder> Orders { get; } = [];

        decimal weight;
        decimal cube;
        int stackable;
        int loose;
        TemperatureRange? temperature;

        public int FloorPositions => Events.FloorPositions.For(loose, stackable);

        public decimal Fill(Capacity.Limit limit) => Math.Max(weight / limit.WeightLb, Math.Max(cube / limit.CubeFt3, (decimal)FloorPositions / limit.PalletPositions));

        public bool Fits(LoadableOrder order, Capacity.Limit limit, int maxStops)
        {
            if (maxStops < int.MaxValue && !Orders.Any(o => o.Stop == order.Stop) && Orders.Select(o => o.Stop).Distinct(StringComparer.Ordinal).Count() >= maxStops)
            {
                return false;
            }

            if (weight + order.WeightLb > limit.WeightLb || cube + order.CubeFt3 > limit.CubeFt3 ||
                Events.FloorPositions.For(loose + order.LooseUnits, stackable + order.StackableUnits) > limit.PalletPositions)
            {
                return false;
            }

            if (order.HazardClass is not null && Orders.Any(o => !HazmatSegregation.Compatible(o.HazardClass, order.HazardClass)))
            {
                return false;
            }

            if (order.Temperature is { } t && temperature is { } range && (t.MinCelsius > range.MaxCelsius || t.MaxCelsius < range.MinCelsius))
            {
                return false;
            }

            return true;
        }

        public void Add(LoadableOrder order)
        {
            Orders.Add(order);
            weight += order.WeightLb;
            cube += order.CubeFt3;
            stackable += order.StackableUnits;
            loose += order.LooseUnits;
            if (order.Temperature is { } t)
            {
                temperature = temperature is { } r
                    ? new TemperatureRange(Math.Max(r.MinCelsius, t.MinCelsius), Math.Min(r.MaxCelsius, t.MaxCelsius))
                    : t;
            }
        }

        public Trailer Clone()
        {
            var copy = new Trailer();
            foreach (LoadableOrder order in Orders)
            {
                copy.Add(order);
            }

            return copy;
        }

        public BuiltLoad ToLoad(string group, Equipment equipment) =>
            new(group, equipment, Orders.OrderBy(o => o.OrderId, StringComparer.Ordinal).ToList(), weight, cube, FloorPositions, temperature, Orders.Min(o => o.RequiredDeliveryBy));
    }
}
