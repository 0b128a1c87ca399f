using MesTms.Domain.Rating;
using MesTms.Domain.Tendering;
using MesTms.Domain;

namespace MesTms.Pipeline.Tendering;

/// <param name="FirstTender">When set, the best candidate is tendered in the same activity (one activity and episode fewer per order).</param>
public sealed record RateShipmentRequest(OrderKey Order, DateTimeOffset At, int Revision = 0, FirstTenderRequest? FirstTender = null);

/// <summary>The waterfall's merged first tender (<see cref="FirstTender"/>), sent right after rating: id and deadline come from the waterfall.</summary>
/// <param name="BookBecause">When set and the carrier accepts in the same call, the shipment is booked (and its door reserved, for this reason) in the same activity.</param>
public sealed record FirstTenderRequest(string InstanceId, string TenderId, DateTimeOffset RespondBy, string? BookBecause = null);

/// <summary>The ranked candidates; <see cref="PlanningOff"/> when no carrier contracts are configured.</summary>
/// <remarks><see cref="Expedited"/>: no carrier delivers on time; the candidates are the late ones, earliest delivery first.</remarks>
/// <param name="FirstSent">How the merged first tender went (see <see cref="TenderSendResult"/>).</param>
public sealed record RateShipmentResult(bool PlanningOff, IReadOnlyList<TenderCandidate> Candidates, string Summary, bool Expedited = false, TenderSendResult? FirstSent = null);

public sealed record SendTenderRequest(OrderKey Order, string InstanceId, string TenderId, int Attempt, TenderCandidate Candidate, DateTimeOffset At, DateTimeOffset RespondBy);

public sealed record TenderOutcomeRequest(OrderKey Order, string TenderId, string Scac, string Outcome, string Reason, DateTimeOffset At);

/// <param name="ReserveDoorBecause">When set, the booked shipment's dock door is reserved in the same activity, for this reason.</param>
public sealed record BookShipmentRequest(OrderKey Order, string TenderId, TenderResponse Response, DateTimeOffset At, string? ReserveDoorBecause = null);

public sealed record TenderExhaustedRequest(OrderKey Order, int Tendered, string Reason, DateTimeOffset At, int Revision = 0);
