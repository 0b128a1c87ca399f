using MesTms.Domain.Holds;

namespace MesTms.Pipeline.Notifications;

/// <summary>Data of <c>mestms.dock.appointment.changed.v1</c> (also what the carrier receives).</summary>
public sealed record DockAppointmentChanged(
    string PlantId,
    string ShipmentId,
    string AppointmentId,
    string Change,
    string Reason,
    string? DoorId,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? PreviousDoorId,
    DateTimeOffset? PreviousStart,
    DateTimeOffset? PreviousEnd,
    string? Scac,
    string? Status);

/// <summary>Data of the <c>mestms.quality.hold.escalated.v1</c> notification.</summary>
public sealed record QualityHoldEscalated(
    string PlantId, string OrderId, IReadOnlyList<QualityHold> ActiveHolds, DateTimeOffset HeldSince, TimeSpan EscalatedAfter);

