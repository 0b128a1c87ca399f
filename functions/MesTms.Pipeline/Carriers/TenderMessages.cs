using MesTms.Domain.Rating;
using MesTms.Domain;

namespace MesTms.Pipeline.Carriers;

/// <summary>One carrier option the waterfall may tender to, best first.</summary>
public sealed record TenderCandidate(string Scac, ServiceMode Mode, Equipment Equipment, decimal Total);

/// <param name="FirstTender">When set, the best candidate is tendered in the same activity (one activity and episode fewer per order).</param>
public sealed record RateShipmentRequest(OrderKey Order, DateTimeOffset At, int Revision = 0, FirstTender? FirstTender = null);

/// <summary>The first tender of a waterfall, sent right after rating: its id and answer deadline come from the orchestration.</summary>
/// <param name="BookBecause">When set and the carrier accepts in the same call, the shipment is booked (and its door reserved, for this reason) in the same activity.</param>
public sealed record FirstTender(string InstanceId, string TenderId, DateTimeOffset RespondBy, string? BookBecause = null);

/// <summary>
/// How the first tender went when rating sent it: delivered (<see cref="Undeliverable"/> and <see cref="Failure"/> null),
/// refused by the gateway (<see cref="Undeliverable"/>), or the carrier API failed (<see cref="Failure"/>: the waterfall
/// sends it again with its own attempts).
/// </summary>
/// <param name="Answer">The carrier answered in the tender call itself (first answer recorded); the waterfall does not wait for it.</param>
/// <param name="Booked">That answer was an acceptance and the shipment was booked in the same activity.</param>
public sealed record FirstTenderSent(string? Undeliverable, string? Failure, TenderResponse? Answer = null, bool Booked = false);

/// <summary>The ranked candidates; <see cref="PlanningOff"/> when no carrier contracts are configured.</summary>
/// <remarks><see cref="Expedited"/>: no carrier delivers on time; the candidates are the late ones, earliest delivery first.</remarks>
public sealed record RateShipmentResult(bool PlanningOff, IReadOnlyList<TenderCandidate> Candidates, string Summary, bool Expedited = false, FirstTenderSent? FirstSent = null);

public sealed record SendTenderRequest(OrderKey Order, string InstanceId, string TenderId, int Attempt, TenderCandidate Candidate, DateTimeOffset At, DateTimeOffset RespondBy);

public sealed record TenderOutcomeRequest(OrderKey Order, string TenderId, string Scac, string Outcome, string Reason, DateTimeOffset At);

/// <param name="ReserveDoorBecause">When set, the booked shipment's dock door is reserved in the same activity, for this reason.</param>
public sealed record BookShipmentRequest(OrderKey Order, string TenderId, TenderResponse Response, DateTimeOffset At, string? ReserveDoorBecause = null);

public sealed record TenderExhaustedRequest(OrderKey Order, int Tendered, string Reason, DateTimeOffset At, int Revision = 0);
