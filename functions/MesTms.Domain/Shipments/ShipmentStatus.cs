namespace MesTms.Domain.Shipments;

/// <summary>Where a production order stands on its way to a booked shipment.</summary>
public static class ShipmentStatus
{
    /// <summary>The completion event was accepted; the order's shipment workflow has started.</summary>
    public const string Received = "Received";

    /// <summary>At least one quality hold is active: nothing is planned or tendered until it is released.</summary>
    public const string OnQualityHold = "OnQualityHold";

    /// <summary>Produced, released and waiting for planning (consolidation, rate shopping, tendering).</summary>
    public const string ReadyToShip = "ReadyToShip";

    /// <summary>Waiting in an open load for more freight to the same destination group (real-time consolidation).</summary>
    public const string Consolidating = "Consolidating";

    /// <summary>On a closed load that is being rate shopped and tendered as one shipment.</summary>
    public const string Consolidated = "Consolidated";

    /// <summary>A load whose orders were all taken off (quality holds): its tender or booking is withdrawn.</summary>
    public const string Cancelled = "Cancelled";

    /// <summary>Rate-shopped; a tender is out to a carrier and the workflow waits for its answer.</summary>
    public const string Tendering = "Tendering";

    /// <summary>A carrier accepted a tender: carrier, price and pickup are fixed.</summary>
    public const string Booked = "Booked";

    /// <summary>Every feasible carrier declined or did not answer (or none was feasible): planners must act.</summary>
    public const string TenderExhausted = "TenderExhausted";
}

/// <summary>
/// One decision in a shipment's history. <see cref="Key"/> identifies the decision within the workflow so that
/// an activity retried after a crash records it once.
/// </summary>
public sealed record ShipmentDecision(string Key, DateTimeOffset At, string Status, string Decision, string Reason);
