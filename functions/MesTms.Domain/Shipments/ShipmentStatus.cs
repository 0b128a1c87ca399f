using System.Text.Json.Serialization;

namespace MesTms.Domain.Shipments;

/// <summary>Where a production order (or a load travelling as one shipment) stands on its way to a booked shipment.</summary>
/// <remarks>Serialised by name (<c>"Booked"</c>, …): the strings are the public contract of the planner API and the notifications.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<ShipmentStatus>))]
public enum ShipmentStatus
{
    /// <summary>The completion event was accepted; the order's shipment workflow has started.</summary>
    Received,

    /// <summary>At least one quality hold is active: nothing is planned or tendered until it is released.</summary>
    OnQualityHold,

    /// <summary>Produced, released and waiting for planning (consolidation, rate shopping, tendering).</summary>
    ReadyToShip,

    /// <summary>Waiting in an open load for more freight to the same destination group (real-time consolidation).</summary>
    Consolidating,

    /// <summary>On a closed load that is being rate shopped and tendered as one shipment.</summary>
    Consolidated,

    /// <summary>A load whose orders were all taken off (quality holds): its tender or booking is withdrawn.</summary>
    Cancelled,

    /// <summary>Rate-shopped; a tender is out to a carrier and the workflow waits for its answer.</summary>
    Tendering,

    /// <summary>A carrier accepted a tender: carrier, price and pickup are fixed.</summary>
    Booked,

    /// <summary>Every feasible carrier declined or did not answer (or none was feasible): planners must act.</summary>
    TenderExhausted,

    /// <summary>The carrier loaded the freight and left the plant (its status report): nothing is planned for it again.</summary>
    InTransit,

    /// <summary>The carrier reported the freight delivered.</summary>
    Delivered,
}

/// <summary>
/// One decision in a shipment's history. <see cref="Key"/> identifies the decision within the workflow so that
/// an activity retried after a crash records it once.
/// </summary>
public sealed record ShipmentDecision(string Key, DateTimeOffset At, ShipmentStatus Status, string Decision, string Reason);

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

/// <summary>How the carrier planning of a shipment (rate shop and tender waterfall) ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CarrierPlanOutcome>))]
public enum CarrierPlanOutcome
{
    /// <summary>No carrier contracts are configured: the shipment stays ready to ship for planners.</summary>
    PlanningOff,

    /// <summary>A carrier accepted a tender.</summary>
    Booked,

    /// <summary>Every candidate declined, timed out or could not be reached, or none could take the shipment.</summary>
    Exhausted,

    /// <summary>Something outside the waterfall stopped it (a quality hold, a material load change): the open tender was withdrawn.</summary>
    Interrupted,
}

public static class CarrierPlanOutcomes
{
    /// <summary>The shipment status an outcome leaves (an interrupted plan leaves the status to whatever interrupted it).</summary>
    public static ShipmentStatus? Status(this CarrierPlanOutcome outcome) => outcome switch
    {
        CarrierPlanOutcome.PlanningOff => ShipmentStatus.ReadyToShip,
        CarrierPlanOutcome.Booked => ShipmentStatus.Booked,
        CarrierPlanOutcome.Exhausted => ShipmentStatus.TenderExhausted,
        _ => null,
    };
}
