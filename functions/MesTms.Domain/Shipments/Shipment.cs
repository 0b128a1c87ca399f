using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Shipments;

/// <summary>
/// The shipment of one production order (or of a closed load travelling as one shipment), with its decision history:
/// the aggregate every workflow step changes. Immutable: each behaviour returns the next version, or this very instance
/// when there is nothing to change (a repeated decision, a retried activity), so a store writes nothing for it.
/// Every change goes through <see cref="Decide"/>: one decision per key, status transitions guarded by
/// <see cref="MayBecome"/>, and the invariants (a booked shipment has a booking) checked on the result.
/// </summary>
public sealed record Shipment
{
    /// <summary>How many decisions a shipment keeps (oldest dropped first); a load's long life must not outgrow a document.</summary>
    public const int DecisionLimit = 500;

    public required string Id { get; init; }

    public required string OrderId { get; init; }

    public required string PlantId { get; init; }

    public string? LineId { get; init; }

    public required ShipmentStatus Status { get; init; }

    public string? SourceEventId { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the webhook accepted the completion event.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    public DateTimeOffset? RequiredDeliveryBy { get; init; }

    public Destination? Destination { get; init; }

    public IReadOnlyList<HandlingUnit>? HandlingUnits { get; init; }

    public Hazmat? Hazmat { get; init; }

    public TemperatureRange? Temperature { get; init; }

    public int HandlingUnitCount { get; init; }

    public decimal TotalWeightLb { get; init; }

    public decimal TotalCubeFt3 { get; init; }

    public IReadOnlyList<QualityHold> ActiveHolds { get; init; } = [];

    public IReadOnlyList<ShipmentDecision> Decisions { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the shipment first became ready to ship.</summary>
    public DateTimeOffset? ReadyAt { get; init; }

    /// <summary>
    /// Since when the freight is physically ready on the dock, as far as the bridge knows (null: not ready yet): its completion
    /// (QA passed and packaged: the MES's moment, not when the bridge heard of it) when it was never held, else when it was
    /// recorded ready after its holds. Doors are planned from this, so they do not depend on how quickly an event was handled.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? FreightReadyAt => ReadyAt is not { } ready ? null
        : CompletedAt is { } completed && completed <= ready && !Decisions.Any(d => d.Status == ShipmentStatus.OnQualityHold) ? completed
        : ready;

    /// <summary>Every quoted candidate with its cost breakdown, and every excluded carrier with the reason.</summary>
    public RateShopResult? RateShop { get; init; }

    /// <summary>Contract set version the quotes came from.</summary>
    public string? ContractsVersion { get; init; }

    public IReadOnlyList<TenderRecord> Tenders { get; init; } = [];

    public Booking? Booking { get; init; }

    /// <summary>The closed load this order travels on (an order's shipment), null while unconsolidated.</summary>
    public string? LoadId { get; init; }

    /// <summary>The open load this order waits in (see <see cref="ShipmentStatus.Consolidating"/>).</summary>
    public string? OpenLoadId { get; init; }

    /// <summary>A load's shipment: the production orders on it (empty for an order's shipment).</summary>
    public IReadOnlyList<string> MemberOrderIds { get; init; } = [];

    /// <summary>Delivery stops (a load may stop at several locations of one destination group).</summary>
    public int Stops { get; init; } = 1;

    /// <summary>How often the load changed materially (each change re-plans the carrier with fresh tender ids).</summary>
    public int PlanRevision { get; init; }

    /// <summary>How many times the order left a load (quality hold); it re-joins consolidation as a new member.</summary>
    public int ConsolidationRound { get; init; }

    /// <summary>The dock door and window (Tentative from a forecast, Booked once a carrier is booked).</summary>
    public DockAppointment? DockAppointment { get; init; }

    /// <summary>A planner may re-tender a shipment that is booked or whose waterfall ran out, with no active hold (never while tendering).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool MayRetender => ActiveHolds.Count == 0 && Status is ShipmentStatus.Booked or ShipmentStatus.TenderExhausted;

    /// <summary>The planner's re-tender of the current plan revision was recorded already (a repeated request changes nothing).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool RetenderRequested => Decisions.Any(d => d.Key == $"retender-requested-r{PlanRevision}");

    /// <summary>Carriers a planner set aside when re-tendering: rate shopping excludes them for this shipment.</summary>
    public IReadOnlyList<string> SetAsideCarriers { get; init; } = [];

    /// <summary>Set when the shipment is booked to arrive after its required delivery (expedited late freight).</summary>
    public LateDelivery? Late { get; init; }

    /// <summary>What the booked carrier reported (arrival, departure, delivery) and what it means; see <see cref="CarrierProgressRules"/>.</summary>
    public ShipmentProgress? Progress { get; init; }

    /// <summary>The freight left the plant: it is not held, re-planned or re-tendered any more.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasLeft => Status is ShipmentStatus.InTransit or ShipmentStatus.Delivered;

    /// <summary>True for the shipment of a closed load (its id is the load id; the orders on it are its members).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLoad => LoadId is not null && LoadId == OrderId;

    /// <summary>The shipment as first recorded from an accepted completion event.</summary>
    public static Shipment Register(OrderKey order, ProductionCompleted completed, string sourceEventId, DateTimeOffset acceptedAt, DateTimeOffset at, DateTimeOffset now) =>
        new()
        {
            Id = order.DocumentId,
            OrderId = order.OrderId,
            PlantId = order.PlantId,
            LineId = completed.LineId,
            Status = ShipmentStatus.Received,
            SourceEventId = sourceEventId,
            CompletedAt = completed.CompletedAt,
            AcceptedAt = acceptedAt,
            RequiredDeliveryBy = completed.RequiredDeliveryBy,
            Destination = completed.Destination,
            HandlingUnits = completed.HandlingUnits,
            Hazmat = completed.Hazmat,
            Temperature = completed.Temperature,
            HandlingUnitCount = completed.HandlingUnitCount,
            TotalWeightLb = decimal.Round(completed.TotalWeightLb, 1),
            TotalCubeFt3 = decimal.Round(completed.TotalCubeFt3, 1),
            Decisions =
            [
                new ShipmentDecision("received", at, ShipmentStatus.Received, "Completion received",
                    $"Line {completed.LineId} completed {completed.HandlingUnitCount} handling unit(s), {completed.TotalWeightLb:0} lb, " +
                    $"for {completed.Destination.LocationId} by {completed.RequiredDeliveryBy:u}"),
            ],
            CreatedAt = now,
            UpdatedAt = now,
        };

    /// <summary>The shipment of a closed load before its first plan (its totals come from <see cref="WithMembers"/>).</summary>
    public static Shipment ForLoad(string plantId, string loadId, ShipmentStatus status, string key, string decision, string reason, DateTimeOffset at, DateTimeOffset now) =>
        new()
        {
            Id = new OrderKey(plantId, loadId).DocumentId,
            OrderId = loadId,
            PlantId = plantId,
            LoadId = loadId,
            Status = status,
            Decisions = [new ShipmentDecision(key, at, status, decision, reason)],
            CreatedAt = now,
            UpdatedAt = now,
        };

    public bool HasDecided(string key) => Decisions.Any(d => d.Key == key);

    /// <summary>
    /// The one way a shipment changes: once per <paramref name="key"/> (a key already decided returns this instance),
    /// <paramref name="change"/> applied, the status moved to <paramref name="becomes"/> (default: what the change left),
    /// the transition and invariants checked, and the decision appended with the resulting status.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transition is not allowed, or the result breaks an invariant.</exception>
    public Shipment Decide(string key, DateTimeOffset at, string decision, string reason, DateTimeOffset now,
        Func<Shipment, Shipment>? change = null, ShipmentStatus? becomes = null)
    {
        if (HasDecided(key))
        {
            return this;
        }

        Shipment next = change?.Invoke(this) ?? this;
        ShipmentStatus status = becomes ?? next.Status;
        Guard(Status, status, next);
        IReadOnlyList<ShipmentDecision> decisions = [.. next.Decisions, new ShipmentDecision(key, at, status, decision, reason)];
        return next with
        {
            Status = status,
            Decisions = decisions.Count > DecisionLimit ? decisions.Skip(decisions.Count - DecisionLimit).ToList() : decisions,
            ReadyAt = status == ShipmentStatus.ReadyToShip ? next.ReadyAt ?? now : next.ReadyAt,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// The status transitions a shipment may make. Nothing returns to <see cref="ShipmentStatus.Received"/>, nothing leaves
    /// <see cref="ShipmentStatus.Cancelled"/>, and a shipment leaves <see cref="ShipmentStatus.Received"/> only by being
    /// held or released for planning. Freight that left the plant only goes on to delivered, and only a booked shipment
    /// leaves. Everything else may follow everything: holds arrive in every phase and a load that changes materially is
    /// planned again.
    /// </summary>
    public static bool MayBecome(ShipmentStatus from, ShipmentStatus to) => (from, to) switch
    {
        _ when from == to => true,
        (_, ShipmentStatus.Received) => false,
        (ShipmentStatus.Cancelled, _) => false,
        (ShipmentStatus.Delivered, _) => false,
        (ShipmentStatus.InTransit, _) => to == ShipmentStatus.Delivered,
        (_, ShipmentStatus.InTransit or ShipmentStatus.Delivered) => from == ShipmentStatus.Booked,
        (ShipmentStatus.Received, _) => to is ShipmentStatus.OnQualityHold or ShipmentStatus.ReadyToShip,
        _ => true,
    };

    static void Guard(ShipmentStatus from, ShipmentStatus to, Shipment next)
    {
        if (!MayBecome(from, to))
        {
            throw new InvalidOperationException($"Shipment {next.PlantId}/{next.OrderId} cannot go from {from} to {to}.");
        }

        if (to is ShipmentStatus.Booked or ShipmentStatus.InTransit or ShipmentStatus.Delivered && next.Booking is null)
        {
            throw new InvalidOperationException($"Shipment {next.PlantId}/{next.OrderId} cannot be {to} without a booking.");
        }

        if (to == ShipmentStatus.Cancelled && !next.IsLoad)
        {
            throw new InvalidOperationException($"Shipment {next.PlantId}/{next.OrderId}: only a load's shipment is cancelled; an order is held or re-planned.");
        }
    }

    /// <summary>Records the quote set of a rate shop (once per plan revision).</summary>
    public Shipment RecordRateShop(int revision, RateShopResult result, string contractsVersion, string summary, DateTimeOffset at, DateTimeOffset now) =>
        Decide(revision == 0 ? "rated" : $"rated-r{revision}", at, "Rate shopped", summary, now,
            s => s with { RateShop = result, ContractsVersion = contractsVersion });

    /// <summary>Records a tender sent to a carrier; the shipment is <see cref="ShipmentStatus.Tendering"/> until it is answered.</summary>
    public Shipment RecordTender(TenderRecord tender, int attempt, string carrierName, DateTimeOffset now) =>
        Tenders.Any(t => t.TenderId == tender.TenderId)
            ? this
            : Decide($"tender-{tender.TenderId}", tender.SentAt, "Tendered",
                $"Tender {tender.TenderId} #{attempt} to {tender.Scac} ({carrierName}) {tender.Mode} {tender.Equipment} at ${tender.Price:0.00}; answer due by {tender.RespondBy:u}",
                now, s => s with { Tenders = [.. s.Tenders, tender] }, ShipmentStatus.Tendering);

    /// <summary>A tender declined, not answered in time or undeliverable: the waterfall moves to the next carrier.</summary>
    public Shipment RecordTenderOutcome(string tenderId, string scac, string outcome, string reason, DateTimeOffset at, DateTimeOffset now) =>
        Decide($"outcome-{tenderId}", at, $"Tender {outcome}", $"{scac} {outcome} tender {tenderId}: {reason}; moving to the next carrier", now,
            s => s.WithTenderOutcome(tenderId, outcome, reason, at));

    /// <summary>A tender still waiting for its answer is withdrawn (the order went on hold, the load changed).</summary>
    public Shipment WithdrawOpenTender(string tenderId, string reason, string detail, DateTimeOffset at, DateTimeOffset now) =>
        Decide($"withdrawn-{tenderId}", at, "Tender withdrawn", detail, now, s => s.WithTenderOutcome(tenderId, TenderOutcomes.Withdrawn, reason, at));

    /// <summary>
    /// The carrier accepted <paramref name="tenderId"/>: carrier, price and pickup are fixed from its quote, and a delivery
    /// after the required date is recorded as late. A shipment already booked stays as it is.
    /// </summary>
    public Shipment Book(string tenderId, PickupConfirmation? confirmation, DateTimeOffset at, DateTimeOffset now)
    {
        if (Booking is not null)
        {
            return this;
        }

        TenderRecord tender = Tenders.SingleOrDefault(t => t.TenderId == tenderId)
            ?? throw new InvalidOperationException($"Shipment {PlantId}/{OrderId} has no tender {tenderId} to book.");
        RateShopResult rateShop = RateShop ?? throw new InvalidOperationException($"Shipment {PlantId}/{OrderId} was never rate shopped.");
        CarrierQuote quote = rateShop.Find(tender.Scac, tender.Mode)
            ?? throw new InvalidOperationException($"Tender {tender.TenderId}: no quote of {tender.Scac} {tender.Mode} on {PlantId}/{OrderId}.");
        var booking = new Booking(tender.TenderId, quote.Scac, quote.CarrierName, quote.Mode, quote.Equipment, quote.Total, "USD", at,
            quote.PickupDay, quote.EstimatedDelivery, confirmation, now);
        LateDelivery? late = rateShop.LateDeliveryOf(quote);
        Shipment booked = Decide($"booked-{tender.TenderId}", at, "Booked",
            $"{quote.Scac} ({quote.CarrierName}) accepted tender {tender.TenderId}: {quote.Mode} {quote.Equipment} ${quote.Total:0.00}, " +
            $"pickup {quote.PickupDay:yyyy-MM-dd}, delivery by {quote.EstimatedDelivery:u}",
            now, s => s.WithTenderOutcome(tenderId, TenderOutcomes.Accepted, null, at) with { Booking = booking, Late = late }, ShipmentStatus.Booked);
        return late is null ? booked : booked.Decide($"late-{tender.TenderId}", at, "Expedited, delivers late", late.Reason, now);
    }

    /// <summary>Every candidate declined, timed out or could not be reached (or none could take it): planners must act.</summary>
    public Shipment Exhaust(int revision, string reason, DateTimeOffset at, DateTimeOffset now) =>
        Decide(revision == 0 ? "exhausted" : $"exhausted-r{revision}", at, "Tender waterfall exhausted", reason, now, becomes: ShipmentStatus.TenderExhausted);

    /// <summary>A booked shipment went on hold: the door goes back to the schedule; the booking stands until the fee window.</summary>
    public Shipment SuspendBooking(string reason, DateTimeOffset at, DateTimeOffset now) => Booking is not { } booking
        ? this
        : Decide($"suspended-{booking.TenderId}", at, "Booked shipment on hold", reason, now, s => s with { DockAppointment = null });

    /// <summary>
    /// A held shipment's accepted tender is withdrawn before the carrier's cancellation-fee window: the booking is released,
    /// and the order is planned again (new revision) after release.
    /// </summary>
    public Shipment WithdrawBooking(string reason, string detail, DateTimeOffset at, DateTimeOffset now) => Booking is not { } booking
        ? this
        : Decide($"withdrawn-{booking.TenderId}", at, "Tender withdrawn", detail, now,
            s => s.WithTenderOutcome(booking.TenderId, TenderOutcomes.Withdrawn, reason, null) with { Booking = null, Late = null, PlanRevision = s.PlanRevision + 1 },
            ShipmentStatus.OnQualityHold);

    /// <summary>
    /// A planner asked to re-tender (booked, or the waterfall ran out): the booked carrier is set aside so the new rate shop
    /// skips it; recorded once per plan revision. Returns this very shipment when it may not be re-tendered now.
    /// </summary>
    public Shipment RequestRetender(string requestedBy, string reason, DateTimeOffset at, DateTimeOffset now)
    {
        if (!MayRetender)
        {
            return this;
        }

        string? setAside = Booking?.Scac;
        return Decide($"retender-requested-r{PlanRevision}", at, "Re-tender requested",
            $"{requestedBy}: {reason}" + (setAside is null ? "; every contracted carrier is rate shopped again" : $"; {setAside} is set aside and the booking withdrawn"), now,
            s => s with { SetAsideCarriers = setAside is null || s.SetAsideCarriers.Contains(setAside) ? s.SetAsideCarriers : [.. s.SetAsideCarriers, setAside] });
    }

    /// <summary>
    /// An order shipped alone is re-tendered: its booking (if any) is withdrawn and its door given back, and it is ready for
    /// a new rate shop under the next plan revision (fresh tender ids). Once per revision.
    /// </summary>
    public Shipment Retender(string detail, DateTimeOffset at, DateTimeOffset now) =>
        Decide($"retendered-r{PlanRevision}", at, "Re-tendered", detail, now,
            s => (s.Booking is { } booking ? s.WithTenderOutcome(booking.TenderId, TenderOutcomes.Withdrawn, "re-tendered by a planner", at) : s)
                with { Booking = null, Late = null, DockAppointment = null, PlanRevision = s.PlanRevision + 1 },
            ShipmentStatus.ReadyToShip);

    /// <summary>
    /// Sets the dock appointment (null: none) and records the decision once per key; an appointment that moved under an
    /// existing key is still taken.
    /// </summary>
    public Shipment ScheduleDock(DockAppointment? appointment, string key, string decision, string reason, DateTimeOffset at, DateTimeOffset now)
    {
        if (HasDecided(key))
        {
            return DockAppointment == appointment ? this : this with { DockAppointment = appointment, UpdatedAt = now };
        }

        return Decide(key, at, decision, reason, now, s => s with { DockAppointment = appointment });
    }

    /// <summary>A door planned from the forecast goes back to the schedule (quality hold before booking).</summary>
    public Shipment ReleaseTentativeDoor(DockAppointment released, string reason, DateTimeOffset at, DateTimeOffset now) =>
        Decide($"dock-hold-released-{released.DoorId}-{released.Start:yyyyMMddHHmm}", at, "Dock appointment released",
            $"Door {released.DoorId} {released.Start:u} planned from the forecast released: {reason}", now,
            s => s with { DockAppointment = s.DockAppointment?.Status == DockAppointment.Tentative ? null : s.DockAppointment });

    /// <summary>The order waits in an open load for more freight (once per consolidation round).</summary>
    public Shipment WaitInOpenLoad(string openLoadId, string reason, DateTimeOffset at, DateTimeOffset now) =>
        OpenLoadId == openLoadId && Status == ShipmentStatus.Consolidating
            ? this
            : Decide($"consolidating-{ConsolidationRound}", at, "Waiting for a fuller truck", reason, now,
                s => s with { OpenLoadId = openLoadId }, ShipmentStatus.Consolidating);

    /// <summary>The order was closed onto a load (once per load); it travels with the load from here.</summary>
    public Shipment JoinLoad(string loadId, string reason, DateTimeOffset at, DateTimeOffset now) =>
        LoadId == loadId
            ? this
            : Decide($"load-{loadId}", at, "Consolidated onto a load", reason, now,
                s => s with { LoadId = loadId, OpenLoadId = null }, ShipmentStatus.Consolidated);

    /// <summary>
    /// The order was taken off its open or closed load and is now <paramref name="becomes"/> (a quality hold): the load's
    /// booking no longer carries it. It re-joins consolidation as a new member when released.
    /// </summary>
    public Shipment LeaveLoad(string from, string reason, ShipmentStatus becomes, DateTimeOffset at, DateTimeOffset now) =>
        LoadId is null && OpenLoadId is null
            ? this
            : Decide($"left-load-{ConsolidationRound}", at, "Taken off its load", $"Removed from {from}: {reason}; it re-joins consolidation when released", now,
                s => s with
                {
                    LoadId = null, OpenLoadId = null, Booking = null, Late = null, DockAppointment = null, ConsolidationRound = s.ConsolidationRound + 1,
                }, becomes);

    /// <summary>
    /// A load's shipment takes the orders on it: summed weight, cube and handling units, the strictest temperature range,
    /// the dangerous goods, the earliest required delivery and the number of stops. Unchanged membership changes nothing.
    /// </summary>
    public Shipment WithMembers(IReadOnlyList<Shipment> members, int revision, int stops, bool isNew, DateTimeOffset at, DateTimeOffset now)
    {
        List<string> memberIds = members.Select(m => m.OrderId).ToList();
        if (!isNew && PlanRevision == revision && MemberOrderIds.SequenceEqual(memberIds))
        {
            return this;
        }

        Shipment urgent = members.OrderBy(m => m.RequiredDeliveryBy).ThenBy(m => m.OrderId, StringComparer.Ordinal).First();
        TemperatureRange? temperature = members.Select(m => m.Temperature).Aggregate((TemperatureRange?)null, (range, t) => t is null ? range
            : range is null ? t : new TemperatureRange(Math.Max(range.MinCelsius, t.MinCelsius), Math.Min(range.MaxCelsius, t.MaxCelsius)));
        Shipment totals = this with
        {
            CompletedAt = members.Max(m => m.CompletedAt),
            RequiredDeliveryBy = urgent.RequiredDeliveryBy,
            Destination = urgent.Destination,
            HandlingUnits = members.SelectMany(m => m.HandlingUnits ?? []).ToList(),
            Hazmat = members.Select(m => m.Hazmat).FirstOrDefault(h => h is not null),
            Temperature = temperature,
            HandlingUnitCount = members.Sum(m => m.HandlingUnitCount),
            TotalWeightLb = members.Sum(m => m.TotalWeightLb),
            TotalCubeFt3 = members.Sum(m => m.TotalCubeFt3),
            MemberOrderIds = memberIds,
            Stops = Math.Max(1, stops),
            PlanRevision = revision,
            ReadyAt = ReadyAt ?? now,
            UpdatedAt = now,
        };
        return isNew
            ? totals
            : totals.Decide($"members-r{revision}-{memberIds.Count}", at, "Load changed",
                $"Now {memberIds.Count} order(s): {string.Join(", ", memberIds)}; revision {revision}", now);
    }

    /// <summary>What withdrawing the carrier plan releases, in the words of the load's history.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string BookingWithdrawal => Booking is { } b ? $"booking with {b.Scac} (tender {b.TenderId}) withdrawn, carrier told" : "no booking to release";

    /// <summary>
    /// Withdraws a load's carrier plan before it is planned again (material change) or cancelled (empty load): the booking,
    /// late flag and door are released and every open or accepted tender is marked withdrawn.
    /// </summary>
    public Shipment WithdrawLoadPlan(bool cancel, string reason, string detail, DateTimeOffset at, DateTimeOffset now)
    {
        ShipmentStatus status = cancel ? ShipmentStatus.Cancelled : ShipmentStatus.Consolidated;
        return Decide($"withdrawn-r{PlanRevision}-{status}-{Booking?.TenderId}", at, cancel ? "Load cancelled" : "Carrier plan withdrawn", $"{reason}; {detail}", now,
            s => s with
            {
                Booking = null,
                Late = null,
                DockAppointment = null,
                Tenders = s.Tenders.Select(t => t.Outcome is null or TenderOutcomes.Accepted
                    ? t with { Outcome = TenderOutcomes.Withdrawn, Reason = reason, AnsweredAt = t.AnsweredAt ?? at }
                    : t).ToList(),
            }, status);
    }

    /// <summary>
    /// What a load's shipment tells the load and the orders on it: its status (a load planned without carriers stays
    /// Consolidated, never plain ReadyToShip), the key of this outcome (plan revision, status, booking, member count), and
    /// a one-line summary (the booking, or the latest decision's reason).
    /// </summary>
    public (ShipmentStatus Status, string Key, string Summary) LoadOutcome()
    {
        ShipmentStatus status = Status == ShipmentStatus.ReadyToShip ? ShipmentStatus.Consolidated : Status;
        string summary = Booking is { } b
            ? $"{b.Scac} ({b.CarrierName}) {b.Mode} {b.Equipment} ${b.Price:0.00}, pickup {b.PickupDay:yyyy-MM-dd}"
            : Decisions.LastOrDefault()?.Reason ?? status.ToString();
        return (status, $"outcome-r{PlanRevision}-{status}-{Booking?.TenderId}-{MemberOrderIds.Count}", summary);
    }

    /// <summary>
    /// An order on a load takes the load's outcome (status, carrier, price, pickup, door, late delivery); an order no longer
    /// on that load, or already showing that outcome, stays as it is.
    /// </summary>
    public Shipment FollowLoad(Shipment load, ShipmentStatus status, string key, string summary, DateTimeOffset at, DateTimeOffset now)
    {
        if (LoadId != load.LoadId || (Status == status && Booking == load.Booking && DockAppointment == load.DockAppointment && Late == load.Late))
        {
            return this;
        }

        Shipment follows(Shipment s) => s with { Booking = load.Booking, Late = load.Late, DockAppointment = load.DockAppointment };
        if (HasDecided($"load-{key}"))
        {
            Shipment next = follows(this) with { Status = status, UpdatedAt = now };
            Guard(Status, status, next);
            return next;
        }

        return Decide($"load-{key}", at, $"Load {load.LoadId} {status}", summary, now, follows, status);
    }

    Shipment WithTenderOutcome(string tenderId, string outcome, string? reason, DateTimeOffset? answeredAt) => this with
    {
        Tenders = Tenders.Select(t => t.TenderId == tenderId
            ? t with { Outcome = outcome, Reason = reason ?? t.Reason, AnsweredAt = answeredAt ?? t.AnsweredAt }
            : t).ToList(),
    };
}

/// <summary>One tender of the waterfall and what came of it.</summary>
public sealed record TenderRecord(
    string TenderId, string Scac, ServiceMode Mode, Equipment Equipment, decimal Price, DateTimeOffset SentAt, DateTimeOffset RespondBy,
    string? Outcome = null, string? Reason = null, DateTimeOffset? AnsweredAt = null);

/// <summary>
/// The booked carrier, price and pickup. <c>BookedAt</c> is the moment the booking is dated by (the carrier's answer);
/// <c>RecordedAt</c> when the bridge recorded it (what handling latency is measured by).
/// </summary>
public sealed record Booking(
    string TenderId, string Scac, string CarrierName, ServiceMode Mode, Equipment Equipment, decimal Price, string Currency,
    DateTimeOffset BookedAt, DateOnly PickupDay, DateTimeOffset EstimatedDelivery, PickupConfirmation? PickupConfirmation, DateTimeOffset? RecordedAt = null);

/// <summary>The carrier's pickup commitment on acceptance: appointment window and its own reference.</summary>
public sealed record PickupConfirmation(DateTimeOffset? PickupFrom, DateTimeOffset? PickupTo, string? CarrierReference);
