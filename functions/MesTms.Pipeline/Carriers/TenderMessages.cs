using MesTms.Domain.Rating;
using MesTms.Domain;

namespace MesTms.Pipeline.Carriers;

/// <summary>One carrier option the waterfall may tender to, best first.</summary>
public sealed record TenderCandidate(string Scac, ServiceMode Mode, Equipment Equipment, decimal Total);

public sealed record RateShipmentRequest(OrderKey Order, DateTimeOffset At, int Revision = 0);

/// <summary>The ranked candidates; <see cref="PlanningOff"/> when no carrier contracts are configured.</summary>
/// <remarks><see cref="Expedited"/>: no carrier delivers on time; the candidates are the late ones, earliest delivery first.</remarks>
public sealed record RateShipmentResult(bool PlanningOff, IReadOnlyList<TenderCandidate> Candidates, string Summary, bool Expedited = false);

public sealed record SendTenderRequest(OrderKey Order, string InstanceId, string TenderId, int Attempt, TenderCandidate Candidate, DateTimeOffset At, DateTimeOffset RespondBy);

public sealed record TenderOutcomeRequest(OrderKey Order, string TenderId, string Scac, string Outcome, string Reason, DateTimeOffset At);

/// <param name="ReserveDoorBecause">When set, the booked shipment's dock door is reserved in the same activity, for this reason.</param>
public sealed record BookShipmentRequest(OrderKey Order, string TenderId, TenderResponse Response, DateTimeOffset At, string? ReserveDoorBecause = null);

public sealed record TenderExhaustedRequest(OrderKey Order, int Tendered, string Reason, DateTimeOffset At, int Revision = 0);
