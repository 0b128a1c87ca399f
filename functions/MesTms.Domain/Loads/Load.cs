using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Loads;

/// <summary>One order on a load: what the load builder needs, and when it joined.</summary>
public sealed record LoadLine(
    string OrderId,
    int Round,
    string StopId,
    string DestinationGroup,
    decimal WeightLb,
    decimal CubeFt3,
    int StackableUnits,
    int LooseUnits,
    string? HazardClass,
    TemperatureRange? Temperature,
    DateTimeOffset RequiredDeliveryBy,
    DateTimeOffset JoinedAt)
{
    public string MemberKey => $"{OrderId}#{Round}";

    /// <summary>The line a shipment adds to a load (its consolidation round tells a re-joining order from its earlier self).</summary>
    public static LoadLine For(Shipment shipment)
    {
        IReadOnlyList<HandlingUnit> units = shipment.HandlingUnits ?? [];
        return new LoadLine(shipment.OrderId, shipment.ConsolidationRound, shipment.Destination!.LocationId, DestinationGroups.For(shipment.Destination),
            shipment.TotalWeightLb, shipment.TotalCubeFt3, units.Where(u => u.Stackable).Sum(u => u.Count), units.Where(u => !u.Stackable).Sum(u => u.Count),
            shipment.Hazmat?.HazardClass, shipment.Temperature, shipment.RequiredDeliveryBy!.Value, shipment.ReadyAt ?? shipment.UpdatedAt);
    }

    public LoadableOrder ToLoadable() =>
        new(OrderId, DestinationGroup, WeightLb, CubeFt3, StackableUnits, LooseUnits, HazardClass, Temperature, RequiredDeliveryBy, StopId);
}

/// <summary>One decision in a load's history (same fields as a shipment's; the status is the load's: Open, Consolidated, Booked, …).</summary>
public sealed record LoadDecision(string Key, DateTimeOffset At, LoadStatus Status, string Decision, string Reason);

/// <summary>
/// Where a load stands: an open load collects orders; a closed one carries its carrier plan's state (the status of the
/// load's shipment, restricted to what a load can be).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<LoadStatus>))]
public enum LoadStatus
{
    /// <summary>Collecting orders to one destination group until a review closes a trailer.</summary>
    Open,

    /// <summary>Closed: being rate shopped and tendered as one shipment.</summary>
    Consolidated,

    Tendering,
    Booked,
    TenderExhausted,
    InTransit,
    Delivered,

    /// <summary>Every order was taken off: its tender or booking is withdrawn.</summary>
    Cancelled,
}

/// <summary>An order taken off a load (quality hold) and why.</summary>
public sealed record RemovedOrder(string OrderId, DateTimeOffset At, string Reason);

/// <summary>
/// An open load (orders waiting for more freight to the same destination group; id <c>open|{plant}|{group}|{class}</c>)
/// or a closed load (id = load id) with its fill on each dimension and the decisions behind it. The aggregate of real-time
/// consolidation: an order joins (<see cref="Join"/>, which reviews the open load and closes the trailers that should
/// ship), leaves (<see cref="Remove"/>), and a closed load takes its carrier outcome (<see cref="RecordOutcome"/>).
/// Immutable: a change that changes nothing returns this very instance, so a store writes nothing for it.
/// </summary>
public sealed record Load
{
    public const string OpenKind = "open";
    public const string LoadKind = "load";

    public const int DecisionLimit = 200;

    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string PlantId { get; init; }

    public required string DestinationGroup { get; init; }

    /// <summary>A postal code of the destination group (distance and lane lookup when pricing the load).</summary>
    public string? DestinationPostalCode { get; init; }

    public string? DestinationCountry { get; init; }

    /// <summary>DryVan or Reefer.</summary>
    public required Equipment Equipment { get; init; }

    public required LoadStatus Status { get; init; }

    public IReadOnlyList<LoadLine> Orders { get; init; } = [];

    public IReadOnlyList<RemovedOrder> Removed { get; init; } = [];

    public decimal WeightLb { get; init; }

    public decimal CubeFt3 { get; init; }

    public int FloorPositions { get; init; }

    public IReadOnlyList<string> Stops { get; init; } = [];

    /// <summary>Binding-dimension fill (0-1) and each dimension's.</summary>
    public decimal Fill { get; init; }

    public decimal WeightFill { get; init; }

    public decimal CubeFill { get; init; }

    public decimal FloorFill { get; init; }

    /// <summary>Earliest required delivery of the orders on the load.</summary>
    public DateTimeOffset? ShipBy { get; init; }

    /// <summary>Open load: when its current orders started collecting (the arrival-rate window starts here).</summary>
    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>Open load: number of the next load it closes.</summary>
    public int NextLoadNumber { get; init; } = 1;

    /// <summary>Open load: loads closed but not yet handed to their workflow (finished on the next activity run).</summary>
    public IReadOnlyList<Load> PendingHandOffs { get; init; } = [];

    /// <summary>
    /// Open load: <c>{orderId}#{round}</c> of the most recent members that left on a closed load, so a late or
    /// retried join of the same order never adds it twice (trimmed to <see cref="HistoryLimit"/>).
    /// </summary>
    public IReadOnlyList<string> ClosedMembers { get; init; } = [];

    public const int HistoryLimit = 5000;

    /// <summary>Open load: when it is looked at again.</summary>
    public DateTimeOffset? NextReviewAt { get; init; }

    /// <summary>Closed load: increases on each material change (the carrier is re-planned).</summary>
    public int Revision { get; init; }

    public IReadOnlyList<LoadDecision> Decisions { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public static string OpenLoadId(string plantId, string destinationGroup, Equipment equipment) =>
        $"open|{plantId}|{destinationGroup}|{equipment}";

    /// <summary>The open load a shipment starts when none is collecting for its destination group and equipment.</summary>
    public static Load OpenFor(string openId, Shipment shipment, LoadLine line, Equipment equipment, DateTimeOffset now) => new()
    {
        Id = openId,
        Kind = OpenKind,
        PlantId = shipment.PlantId,
        DestinationGroup = line.DestinationGroup,
        DestinationPostalCode = shipment.Destination!.PostalCode,
        DestinationCountry = shipment.Destination.Country,
        Equipment = equipment,
        Status = LoadStatus.Open,
        CreatedAt = now,
    };

    /// <summary>
    /// An order joins this open load (or, already a member, the load is reviewed again): <see cref="OpenLoadReviewer"/>
    /// decides which trailers ship now, and those are closed in the same change, parked in <see cref="PendingHandOffs"/>
    /// until they are handed to their workflow. A join repeated for a member already closed onto a load adds nothing.
    /// </summary>
    /// <param name="economics">Prices a candidate trailer (truckload cost and transit) for the wait-or-ship decision.</param>
    public Load Join(LoadLine line, DateTimeOffset now, Func<BuiltLoad, LoadEconomics> economics, ConsolidationPolicy policy)
    {
        Load open = this;
        bool known = open.Orders.Any(o => o.OrderId == line.OrderId)
            || open.PendingHandOffs.Any(p => p.Orders.Any(o => o.MemberKey == line.MemberKey))
            || open.ClosedMembers.Contains(line.MemberKey);
        List<LoadLine> lines = [.. open.Orders];
        if (!known)
        {
            lines.Add(line);
        }

        if (lines.Count == 0)
        {
            return open;
        }

        DateTimeOffset openedAt = open.Orders.Count == 0 || open.OpenedAt is null ? now : open.OpenedAt.Value;
        OpenLoadReview review = OpenLoadReviewer.Review(lines.Select(l => l.ToLoadable()).ToList(), openedAt, now, economics, policy);

        var pending = new List<Load>(open.PendingHandOffs);
        var closedMembers = new List<string>(open.ClosedMembers);
        int number = open.NextLoadNumber;
        var remaining = new HashSet<string>(lines.Select(l => l.OrderId), StringComparer.Ordinal);
        var decisions = new List<LoadDecision>(open.Decisions);
        foreach (ReviewedLoad shipNow in review.Ship)
        {
            string loadId = $"L-{open.PlantId}-{open.DestinationGroup}-{(open.Equipment == Equipment.Reefer ? 'R' : 'D')}{number:D5}";
            number++;
            List<LoadLine> members = lines.Where(l => shipNow.Load.Orders.Any(o => o.OrderId == l.OrderId)).ToList();
            remaining.ExceptWith(members.Select(m => m.OrderId));
            closedMembers.AddRange(members.Select(m => m.MemberKey));
            string numbers = Numbers(shipNow, review.ExpectedFillPerHour, policy);
            var closed = new Load
            {
                Id = loadId,
                Kind = LoadKind,
                PlantId = open.PlantId,
                DestinationGroup = open.DestinationGroup,
                DestinationPostalCode = open.DestinationPostalCode,
                DestinationCountry = open.DestinationCountry,
                Equipment = shipNow.Load.Equipment,
                Status = LoadStatus.Consolidated,
                Orders = members,
                Decisions =
                [
                    .. open.Decisions.Where(d => members.Any(m => d.Key.EndsWith($"|{m.OrderId}", StringComparison.Ordinal))),
                    new LoadDecision("ship", now, LoadStatus.Consolidated, "Load closed: ship", $"{shipNow.Decision.Reason}. {numbers}"),
                ],
                CreatedAt = now,
                UpdatedAt = now,
            }.WithTotals();
            pending.Add(closed);
        }

        string? waitReason = null;
        if (review.Wait.Count > 0)
        {
            ReviewedLoad first = review.Wait[0];
            waitReason = $"{first.Decision.Reason}. {Numbers(first, review.ExpectedFillPerHour, policy)}";
            if (!known)
            {
                decisions.Add(new LoadDecision($"wait|{line.OrderId}", now, LoadStatus.Open, "Wait for a fuller truck", $"{line.OrderId} joined: {waitReason}"));
            }
        }

        List<LoadLine> stay = lines.Where(l => remaining.Contains(l.OrderId)).ToList();
        if (known && pending.Count == open.PendingHandOffs.Count && stay.Count == open.Orders.Count)
        {
            // A review that changes nothing but the next review time still records that time (for the planner API).
            return open.NextReviewAt == review.NextReviewAt ? open : open with { NextReviewAt = review.NextReviewAt, UpdatedAt = now };
        }

        return (open with
        {
            Orders = stay,
            OpenedAt = stay.Count == 0 ? null : openedAt,
            NextLoadNumber = number,
            PendingHandOffs = pending,
            ClosedMembers = closedMembers.Count > HistoryLimit ? closedMembers[^HistoryLimit..] : closedMembers,
            NextReviewAt = review.NextReviewAt,
            Decisions = Trim(stay.Count == 0 ? [] : decisions.Where(d => stay.Any(s => d.Key.EndsWith($"|{s.OrderId}", StringComparison.Ordinal)) || !d.Key.Contains('|')).ToList()),
            UpdatedAt = now,
        }).WithTotals();
    }

    /// <summary>Takes an order off this load; a closed load whose fill or stops change materially gets a new revision (re-planned).</summary>
    public Load Remove(string orderId, int round, string reason, DateTimeOffset now)
    {
        if (Orders.All(o => o.OrderId != orderId))
        {
            return this;
        }

        Load after = (this with { Orders = Orders.Where(o => o.OrderId != orderId).ToList() }).WithTotals();
        if (Kind == OpenKind)
        {
            return after with
            {
                Decisions = Trim([.. Decisions, new LoadDecision($"removed-{orderId}-{round}", now, Status, "Order taken off the open load", $"{orderId}: {reason}")]),
                UpdatedAt = now,
            };
        }

        (bool isMaterial, string why) = LoadChange.Assess(after.Orders.Count, Stops, after.Stops,
            (WeightFill, CubeFill, FloorFill), (after.WeightFill, after.CubeFill, after.FloorFill));
        return after with
        {
            Revision = isMaterial ? Revision + 1 : Revision,
            Removed = [.. Removed, new RemovedOrder(orderId, now, reason)],
            Decisions = [.. Decisions, new LoadDecision($"removed-{orderId}-{round}", now, Status, "Order taken off the load",
                $"{orderId}: {reason}. Now {after.Orders.Count} order(s), {after.Fill:P0} full; " +
                (isMaterial ? $"material change ({why}): the carrier is re-planned" : why))],
            UpdatedAt = now,
        };
    }

    /// <summary>A closed load was handed to its workflow: it leaves this open load's pending hand-offs.</summary>
    public Load HandedOff(string loadId) => PendingHandOffs.All(p => p.Id != loadId)
        ? this
        : this with { PendingHandOffs = PendingHandOffs.Where(p => p.Id != loadId).ToList() };

    /// <summary>A closed load takes its carrier outcome (once per outcome key).</summary>
    public Load RecordOutcome(ShipmentStatus status, string key, string summary, DateTimeOffset at, DateTimeOffset now) => Decisions.Any(d => d.Key == key)
        ? this
        : this with
        {
            Status = StatusOf(status),
            Decisions = [.. Decisions, new LoadDecision(key, at, StatusOf(status), $"Load {status}", summary)],
            UpdatedAt = now,
        };

    /// <summary>
    /// A planner re-tenders this closed load: a new revision, so its workflow withdraws the current plan (the carrier is
    /// told, the door released) and rate shops and tenders it afresh with new tender ids.
    /// </summary>
    public Load Retender(string requestedBy, string reason, DateTimeOffset now) => Kind != LoadKind
        ? throw new InvalidOperationException($"Only a closed load is re-tendered, not {Id}.")
        : this with
        {
            Revision = Revision + 1,
            Decisions = [.. Decisions, new LoadDecision($"retender-r{Revision + 1}", now, Status, "Re-tender requested", $"{requestedBy}: {reason}")],
            UpdatedAt = now,
        };

    /// <summary>The current revision's carrier plan has an outcome (booked, exhausted…); false while it is being (re-)planned.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasOutcomeForRevision => Decisions.Any(d => d.Key.StartsWith($"outcome-r{Revision}-", StringComparison.Ordinal));

    /// <summary>The current revision comes from a planner's re-tender.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool RetenderPending => Decisions.Any(d => d.Key == $"retender-r{Revision}");

    /// <summary>Every order was taken off: the load is cancelled (once).</summary>
    public Load Cancel(string reason, DateTimeOffset at, DateTimeOffset now) => Status == LoadStatus.Cancelled
        ? this
        : this with
        {
            Status = LoadStatus.Cancelled,
            Decisions = [.. Decisions, new LoadDecision("cancelled", at, LoadStatus.Cancelled, "Load cancelled", reason)],
            UpdatedAt = now,
        };

    /// <summary>The load status a closed load's carrier plan (its shipment) gives it; an order-only status is a programming error.</summary>
    public static LoadStatus StatusOf(ShipmentStatus status) => status switch
    {
        ShipmentStatus.Consolidated => LoadStatus.Consolidated,
        ShipmentStatus.Tendering => LoadStatus.Tendering,
        ShipmentStatus.Booked => LoadStatus.Booked,
        ShipmentStatus.TenderExhausted => LoadStatus.TenderExhausted,
        ShipmentStatus.InTransit => LoadStatus.InTransit,
        ShipmentStatus.Delivered => LoadStatus.Delivered,
        ShipmentStatus.Cancelled => LoadStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, $"A load's carrier plan is never {status}: that is an order's status."),
    };

    static string Numbers(ReviewedLoad r, decimal perHour, ConsolidationPolicy policy) =>
        $"Fill {r.Fill:P1} of the binding dimension (target {policy.TargetFill:P0}), {r.Load.Orders.Count} order(s), {r.Load.Stops.Count} stop(s), " +
        $"{r.Load.WeightLb:0} lb, {r.Load.CubeFt3:0} ft³, {r.Load.FloorPositions} floor positions; ship-by cut-off {r.Decision.ShipByCutoff:u}; " +
        $"holding ${r.Decision.HoldingCostPerHour:0.00}/h vs expected saving ${r.Decision.ExpectedSavingPerHour:0.00}/h " +
        $"(freight arriving at {perHour:P0} of a trailer per hour; truckload ${r.Economics.TruckloadCost:0.00}, transit {r.Economics.TransitTime.TotalHours:0.#} h, {r.Economics.Basis})";

    /// <summary>An open load keeps its latest <see cref="DecisionLimit"/> decisions.</summary>
    static List<LoadDecision> Trim(List<LoadDecision> decisions) => decisions.Count > DecisionLimit ? decisions[^DecisionLimit..] : decisions;

    /// <summary>Recomputes totals, stops and fill from <see cref="Orders"/>.</summary>
    public Load WithTotals()
    {
        Capacity.Limit limit = Capacity.For(Equipment);
        decimal weight = Orders.Sum(o => o.WeightLb);
        decimal cube = Orders.Sum(o => o.CubeFt3);
        int floor = Events.FloorPositions.For(Orders.Sum(o => o.LooseUnits), Orders.Sum(o => o.StackableUnits));
        decimal wf = decimal.Round(weight / limit.WeightLb, 4), cf = decimal.Round(cube / limit.CubeFt3, 4), ff = decimal.Round((decimal)floor / limit.PalletPositions, 4);
        return this with
        {
            WeightLb = weight,
            CubeFt3 = cube,
            FloorPositions = floor,
            Stops = Orders.Select(o => o.StopId).Distinct(StringComparer.Ordinal).ToList(),
            WeightFill = wf,
            CubeFill = cf,
            FloorFill = ff,
            Fill = Math.Max(wf, Math.Max(cf, ff)),
            ShipBy = Orders.Count == 0 ? null : Orders.Min(o => o.RequiredDeliveryBy),
        };
    }
}

