namespace MesTms.Domain.Shipments;

/// <summary>Tunable rules of the shipment workflow, bound from configuration section <c>MesTms:Shipment</c>.</summary>
public sealed record ShipmentPolicy
{
    /// <summary>How long an order may stay on quality hold before planners are alerted.</summary>
    public TimeSpan HoldEscalationAfter { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a carrier has to accept or decline a tender before the next carrier gets it.</summary>
    public TimeSpan TenderResponseTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How many carriers are tendered, best first, before planners are told the waterfall is exhausted.</summary>
    public int MaxTenders { get; init; } = 5;

    /// <summary>
    /// Ready orders join real-time consolidation (open loads per plant + destination group + equipment class, rules in
    /// <c>MesTms:Consolidation</c>) instead of being rate shopped one by one.
    /// </summary>
    public bool Consolidate { get; init; }

    /// <summary>
    /// The carrier's cancellation-fee (TONU) window: a booked shipment put on hold has its tender withdrawn this long
    /// before pickup unless the hold is released first; it is re-tendered after release.
    /// </summary>
    public TimeSpan CancellationFeeWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How many times a tender is sent to a carrier whose API fails (5xx, timeout, dropped connection) before the
    /// waterfall moves on to the next carrier. Kept small: the carrier's answer window is running meanwhile.
    /// </summary>
    public int TenderSendAttempts { get; init; } = 3;

    /// <summary>A carrier arriving later than its dock appointment plus this is late: planners are alerted and its door moved.</summary>
    public TimeSpan LatePickupGrace { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Time a truck may spend at the dock (arrival to departure) before the carrier may bill detention.</summary>
    public TimeSpan DetentionFreeTime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// How long (real time) the bridge may take to handle a fact and still date its decisions by the fact
    /// (<see cref="DecisionTime"/>): handling that takes longer (a backlog, a restart, a late delivery) decides as of this
    /// long ago. On a clock running N times faster the same real handling is N times as much of the app's time.
    /// </summary>
    public TimeSpan HandlingAllowance { get; init; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (HandlingAllowance < TimeSpan.Zero || HandlingAllowance > TimeSpan.FromMinutes(1))
        {
            problems.Add("MesTms:Shipment:HandlingAllowance must be between 00:00:00 and 00:01:00");
        }

        if (TenderSendAttempts is < 1 or > 10)
        {
            problems.Add("MesTms:Shipment:TenderSendAttempts must be 1-10");
        }

        if (HoldEscalationAfter <= TimeSpan.Zero || HoldEscalationAfter > TimeSpan.FromDays(30))
        {
            problems.Add("MesTms:Shipment:HoldEscalationAfter must be between 00:00:00.001 and 30.00:00:00");
        }

        if (TenderResponseTimeout <= TimeSpan.Zero || TenderResponseTimeout > TimeSpan.FromDays(3))
        {
            problems.Add("MesTms:Shipment:TenderResponseTimeout must be between 00:00:00.001 and 3.00:00:00");
        }

        if (CancellationFeeWindow < TimeSpan.Zero || CancellationFeeWindow > TimeSpan.FromDays(14))
        {
            problems.Add("MesTms:Shipment:CancellationFeeWindow must be between 00:00:00 and 14.00:00:00");
        }

        if (LatePickupGrace < TimeSpan.Zero || LatePickupGrace > TimeSpan.FromHours(12) || DetentionFreeTime < TimeSpan.Zero || DetentionFreeTime > TimeSpan.FromDays(1))
        {
            problems.Add("MesTms:Shipment:LatePickupGrace must be 0-12 h and DetentionFreeTime 0-24 h");
        }

        if (MaxTenders is < 1 or > 20)
        {
            problems.Add("MesTms:Shipment:MaxTenders must be 1-20");
        }

        return problems;
    }
}
