namespace MesTms.Domain.Shipments;

/// <summary>Tunable rules of the shipment workflow, bound from configuration section <c>MesTms:Shipment</c>.</summary>
public sealed record ShipmentPolicy
{
    /// <summary>How long an order may stay on quality hold before planners are alerted.</summary>
    public TimeSpan HoldEscalationAfter { get; init; } = TimeSpan.FromHours(24);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (HoldEscalationAfter <= TimeSpan.Zero || HoldEscalationAfter > TimeSpan.FromDays(30))
        {
            problems.Add("MesTms:Shipment:HoldEscalationAfter must be between 00:00:00.001 and 30.00:00:00");
        }

        return problems;
    }
}
