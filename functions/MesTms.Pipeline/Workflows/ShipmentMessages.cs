using MesTms.Domain;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;

namespace MesTms.Pipeline.Workflows;

/// <summary>Input of <see cref="ShipmentOrchestration"/>; <see cref="Progress"/> carries state across ContinueAsNew.</summary>
public sealed record ShipmentWorkflowInput(
    OrderKey Order,
    string SourceEventId,
    DateTimeOffset AcceptedAt,
    ShipmentPolicy Policy,
    ShipmentWorkflowProgress Progress);

public sealed record ShipmentWorkflowProgress(
    bool Registered = false,
    int? HoldDecisionVersion = null,
    DateTimeOffset? HeldSince = null,
    bool Escalated = false,
    bool ReadyRecorded = false,
    bool Planned = false,
    string? LoadId = null,
    bool Booked = false,
    DateTimeOffset? WithdrawBy = null,
    int PlanRevision = 0)
{
    public static readonly ShipmentWorkflowProgress Start = new();
}

/// <summary>Raised on an order's shipment orchestration when its quality-hold ledger changed.</summary>
public sealed record QualityHoldSignal(int LedgerVersion);

/// <summary>What the orchestration reports as its custom status.</summary>
public sealed record ShipmentWorkflowStatus(string Status, IReadOnlyList<string> ActiveHoldIds);

public sealed record RegisterShipmentRequest(OrderKey Order, string SourceEventId, DateTimeOffset AcceptedAt, DateTimeOffset At);

public sealed record QualityHoldSnapshot(int Version, IReadOnlyList<QualityHold> Active);

public sealed record ShipmentDecisionRequest(OrderKey Order, ShipmentDecision Decision, IReadOnlyList<QualityHold> ActiveHolds);

public sealed record QualityHoldEscalationRequest(
    OrderKey Order, IReadOnlyList<QualityHold> ActiveHolds, DateTimeOffset HeldSince, TimeSpan EscalateAfter, DateTimeOffset At, string DecisionKey);

/// <summary>Data of the <c>mestms.quality.hold.escalated.v1</c> notification.</summary>
public sealed record QualityHoldEscalated(
    string PlantId, string OrderId, IReadOnlyList<QualityHold> ActiveHolds, DateTimeOffset HeldSince, TimeSpan EscalatedAfter);

/// <summary>One carrier option the waterfall may tender to, best first.</summary>
public sealed record TenderCandidate(string Scac, MesTms.Domain.Rating.ServiceMode Mode, MesTms.Domain.Rating.Equipment Equipment, decimal Total);

public sealed record RateShipmentRequest(OrderKey Order, DateTimeOffset At, int Revision = 0);

/// <summary>The ranked candidates; <see cref="PlanningOff"/> when no carrier contracts are configured.</summary>
/// <remarks><see cref="Expedited"/>: no carrier delivers on time; the candidates are the late ones, earliest delivery first.</remarks>
public sealed record RateShipmentResult(bool PlanningOff, IReadOnlyList<TenderCandidate> Candidates, string Summary, bool Expedited = false);

public sealed record SendTenderRequest(OrderKey Order, string InstanceId, string TenderId, int Attempt, TenderCandidate Candidate, DateTimeOffset At, DateTimeOffset RespondBy);

public sealed record TenderOutcomeRequest(OrderKey Order, string TenderId, string Scac, string Outcome, string Reason, DateTimeOffset At);

public sealed record BookShipmentRequest(OrderKey Order, string TenderId, MesTms.Pipeline.Carriers.TenderResponse Response, DateTimeOffset At);

public sealed record TenderExhaustedRequest(OrderKey Order, int Tendered, string Reason, DateTimeOffset At, int Revision = 0);

/// <summary>How a tender of the waterfall ended (kept on the shipment's tender record).</summary>
public static class TenderOutcomes
{
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string TimedOut = "timed out";
    public const string Undeliverable = "undeliverable";
    public const string Withdrawn = "withdrawn";

    /// <summary>Outcomes that count against a carrier's tender acceptance (not a message we failed to deliver).</summary>
    public static bool IsRefusal(string outcome) => outcome is Declined or TimedOut;
}
