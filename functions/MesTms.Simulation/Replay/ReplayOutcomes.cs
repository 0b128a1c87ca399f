using MesTms.Domain;
using MesTms.Domain.Docks;
using MesTms.Domain.Shipments;

namespace MesTms.Simulation.Replay;

/// <summary>One MES event of a scenario at the moment it happened (its <c>time</c>, else the business time in its data).</summary>
public sealed record ScenarioEvent(MesTms.Domain.Events.MesEvent Event, DateTimeOffset At);

/// <summary>How one order fared under one policy.</summary>
public sealed record OrderOutcome(
    string PlantId,
    string OrderId,
    DateTimeOffset CompletedAt,
    DateTimeOffset KnownAt,
    DateTimeOffset? FirstActionAt,
    DateTimeOffset? BookedAt,
    DateTimeOffset? FreightReadyAt,
    DateTimeOffset? LoadingStartsAt,
    DateTimeOffset? DepartsAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset RequiredDeliveryBy,
    bool? OnTime,
    string? TruckId,
    string? Scac,
    string? DoorId,
    int Pallets,
    decimal DetentionHours,
    decimal DetentionCost,
    decimal PremiumFreightCost,
    decimal FreightCost,
    ShipmentStatus Status,
    IReadOnlyList<ShipmentDecision> Decisions)
{
    public double? FirstActionMinutes => FirstActionAt is { } at ? (at - CompletedAt).TotalMinutes : null;

    public double? BookedMinutes => BookedAt is { } at ? (at - CompletedAt).TotalMinutes : null;

    /// <summary>Freight ready (QA passed and packaged, every hold released) → the truck leaves the door.</summary>
    public double? DockToDepartureMinutes => FreightReadyAt is { } ready && DepartsAt is { } leaves ? (leaves - ready).TotalMinutes : null;

    /// <summary>Freight ready → loading starts: the time it stands staged on the dock floor.</summary>
    public double? DockDwellMinutes => FreightReadyAt is { } ready && LoadingStartsAt is { } loading ? Math.Max(0, (loading - ready).TotalMinutes) : null;

    public bool Premium => PremiumFreightCost > 0;

    /// <summary>The door the booking reserved, before a late truck moved it (<see cref="DoorId"/> and <see cref="LoadingStartsAt"/> are where it loaded).</summary>
    public DockAppointment? DoorAtBooking { get; init; }
}

/// <summary>One truck booked (an order alone or a consolidated load) and what happened at the dock.</summary>
public sealed record TruckOutcome(
    string TruckId,
    string PlantId,
    IReadOnlyList<string> OrderIds,
    string Scac,
    decimal Price,
    decimal Fill,
    bool Expedited,
    decimal PremiumCost,
    DateTimeOffset BookedAt,
    DateTimeOffset ArrivesAt,
    DockAppointment? Appointment,
    string DoorReason,
    decimal DetentionHours,
    decimal DetentionCost,
    IReadOnlyList<TenderAnswer> Tenders);

/// <summary>How a simulated carrier answered one tender of a truck's waterfall.</summary>
public sealed record TenderAnswer(string Scac, string Outcome, DateTimeOffset At)
{
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string TimedOut = "timed out";
}

/// <summary>Everything one policy's replay decided.</summary>
public sealed record ReplayRun(
    PlanningPolicy Policy,
    IReadOnlyList<OrderOutcome> Orders,
    IReadOnlyList<TruckOutcome> Trucks,
    int EventsReplayed,
    int Duplicates,
    int Forecasts,
    int Escalations,
    int PeakStagingPallets);
