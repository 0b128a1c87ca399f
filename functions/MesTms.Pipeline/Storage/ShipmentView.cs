using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;

namespace MesTms.Pipeline.Storage;

/// <summary>
/// A shipment as <c>GET /api/shipments/{orderId}</c> shows it, and a load's carrier plan in <c>GET /api/loads/{loadId}</c>:
/// the public contract integrations read, next to the store because every feature's API shows it. Its JSON fields are
/// the ones the API has always returned: extend it, never rename or drop one (<c>ApiContractTests</c> hold the list).
/// The stored document may change shape; this may not.
/// </summary>
public sealed record ShipmentView(
    string Id,
    string OrderId,
    string PlantId,
    string? LineId,
    ShipmentStatus Status,
    string? SourceEventId,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? RequiredDeliveryBy,
    Destination? Destination,
    IReadOnlyList<HandlingUnit>? HandlingUnits,
    Hazmat? Hazmat,
    TemperatureRange? Temperature,
    int HandlingUnitCount,
    decimal TotalWeightLb,
    decimal TotalCubeFt3,
    IReadOnlyList<QualityHold> ActiveHolds,
    IReadOnlyList<ShipmentDecision> Decisions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ReadyAt,
    RateShopResult? RateShop,
    string? ContractsVersion,
    IReadOnlyList<TenderRecord> Tenders,
    Booking? Booking,
    string? LoadId,
    string? OpenLoadId,
    IReadOnlyList<string> MemberOrderIds,
    int Stops,
    int PlanRevision,
    int ConsolidationRound,
    DockAppointment? DockAppointment,
    LateDelivery? Late,
    IReadOnlyList<string> SetAsideCarriers,
    ShipmentProgress? Progress)
{
    public static ShipmentView From(Shipment s) => new(
        s.Id, s.OrderId, s.PlantId, s.LineId, s.Status, s.SourceEventId, s.CompletedAt, s.AcceptedAt, s.RequiredDeliveryBy, s.Destination,
        s.HandlingUnits, s.Hazmat, s.Temperature, s.HandlingUnitCount, s.TotalWeightLb, s.TotalCubeFt3, s.ActiveHolds, s.Decisions,
        s.CreatedAt, s.UpdatedAt, s.ReadyAt, s.RateShop, s.ContractsVersion, s.Tenders, s.Booking, s.LoadId, s.OpenLoadId, s.MemberOrderIds,
        s.Stops, s.PlanRevision, s.ConsolidationRound, s.DockAppointment, s.Late, s.SetAsideCarriers, s.Progress);
}
