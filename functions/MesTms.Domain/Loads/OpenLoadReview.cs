using MesTms.Domain.Events;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Loads;

/// <summary>
/// Orders bound for compatible destinations share a destination group: the country and the first three characters
/// of the postal code (the US sectional centre, ZIP3; a Canadian FSA). Orders of one group may share a trailer,
/// one stop per destination location.
/// </summary>
public static class DestinationGroups
{
    public static string For(Destination destination)
    {
        string postal = new(destination.PostalCode.Where(char.IsLetterOrDigit).ToArray());
        return $"{destination.Country.ToUpperInvariant()}-{(postal.Length > 3 ? postal[..3] : postal).ToUpperInvariant()}";
    }
}

/// <summary>What a truckload of this freight costs and how long it takes to deliver, from the carrier contracts.</summary>
public sealed record LoadEconomics(TimeSpan TransitTime, decimal TruckloadCost, string Basis)
{
    /// <summary>
    /// The cheapest contract truckload for a candidate trailer from the plant to the open load's destination, or the
    /// policy's estimate when no contract can price it (planning off, no plant address, no feasible truckload).
    /// </summary>
    public static LoadEconomics Estimate(RateShopper? shopper, (string PostalCode, string Country)? plant, ShippingCalendar calendar,
        string? destinationPostalCode, string? destinationCountry, BuiltLoad load, DateTimeOffset now, ConsolidationPolicy policy)
    {
        if (shopper is not null && plant is { } origin && !string.IsNullOrWhiteSpace(origin.PostalCode) && destinationPostalCode is { } postal)
        {
            string? hazard = load.Orders.Select(o => o.HazardClass).FirstOrDefault(h => h is not null);
            var request = new RatingRequest(origin.PostalCode, origin.Country, postal, destinationCountry ?? "US", load.WeightLb, load.CubeFt3, load.FloorPositions,
                hazard is null ? null : new Hazmat("consolidated", hazard, null), load.Temperature, now, load.ShipBy, load.Stops.Count);
            CarrierQuote? truckload = shopper.Shop(request, calendar).Candidates
                .Where(q => q.Mode == ServiceMode.Ftl).OrderBy(q => q.Total).FirstOrDefault();
            if (truckload is not null)
            {
                return new LoadEconomics(truckload.EstimatedDelivery - now, truckload.Total, $"cheapest contract truckload {truckload.Scac}");
            }
        }

        return new LoadEconomics(policy.TransitTimeEstimate, policy.TruckloadCostEstimate, "configured estimate (no contract truckload quote)");
    }
}

/// <summary>One load of the review and its wait-or-ship decision.</summary>
public sealed record ReviewedLoad(BuiltLoad Load, decimal Fill, LoadEconomics Economics, ShipDecision Decision);

/// <summary>The outcome of looking at an open load: loads to ship now, loads that keep waiting, and when to look again.</summary>
public sealed record OpenLoadReview(
    IReadOnlyList<ReviewedLoad> Ship,
    IReadOnlyList<ReviewedLoad> Wait,
    decimal ExpectedFillPerHour,
    DateTimeOffset? NextReviewAt);

/// <summary>
/// Reviews the orders waiting in one open load (plant + destination group + equipment class): builds trailers with
/// <see cref="LoadBuilder"/>, estimates the lane's freight arrival rate as the trailer share collected per hour since
/// the open load started (averaged over at least <see cref="ConsolidationPolicy.ArrivalWindow"/>), and decides each
/// trailer with <see cref="WaitOrShip"/>. An order too large for one trailer ships on its own at once (planners split it).
/// A waiting trailer is reviewed again at its ship-by cut-off or after <see cref="ConsolidationPolicy.ReviewInterval"/>,
/// whichever comes first. Deterministic for the same inputs.
/// </summary>
public static class OpenLoadReviewer
{
    public static OpenLoadReview Review(
        IReadOnlyList<LoadableOrder> orders,
        DateTimeOffset openedAt,
        DateTimeOffset now,
        Func<BuiltLoad, LoadEconomics> economics,
        ConsolidationPolicy policy)
    {
        LoadPlan plan = LoadBuilder.Build(orders, maxStops: policy.MaxStops);
        var loads = plan.Loads.Select(l => (Load: l, Fill: l.Fill(Capacity.For(l.Equipment)))).ToList();
        double hours = Math.Max(policy.ArrivalWindow.TotalHours, (now - openedAt).TotalHours);
        decimal perHour = loads.Count == 0 ? 0 : decimal.Round(loads.Sum(l => l.Fill) / (decimal)hours, 4);

        var ship = new List<ReviewedLoad>();
        var wait = new List<ReviewedLoad>();
        foreach ((BuiltLoad load, decimal fill) in loads)
        {
            LoadEconomics cost = economics(load);
            ShipDecision decision = WaitOrShip.Decide(load, fill, now, cost.TransitTime, cost.TruckloadCost, perHour, policy);
            (decision.Ship ? ship : wait).Add(new ReviewedLoad(load, fill, cost, decision));
        }

        foreach ((LoadableOrder order, string reason) in plan.Unloadable)
        {
            Equipment equipment = order.Temperature is null ? Equipment.DryVan : Equipment.Reefer;
            Capacity.Limit limit = Capacity.For(equipment);
            var alone = new BuiltLoad(order.DestinationGroup, equipment, [order], order.WeightLb, order.CubeFt3, order.FloorPositions, order.Temperature, order.RequiredDeliveryBy);
            LoadEconomics cost = economics(alone);
            decimal fill = alone.Fill(limit);
            ship.Add(new ReviewedLoad(alone, fill, cost, new ShipDecision(true, $"ships on its own: {reason}", fill,
                order.RequiredDeliveryBy - cost.TransitTime - policy.DockLeadTime, policy.HoldingCostPerOrderHour, 0)));
        }

        DateTimeOffset? next = wait.Count == 0
            ? null
            : wait.Select(w => w.Decision.ShipByCutoff).Append(now + policy.ReviewInterval).Min();
        return new OpenLoadReview(ship, wait, perHour, next);
    }
}
