namespace MesTms.Domain.Events;

/// <summary>The CloudEvents <c>type</c> values of the MES event contract, version 1.</summary>
public static class MesEventTypes
{
    public const string ProductionCompleted = "mes.production.completed.v1";
    public const string QualityHoldPlaced = "mes.quality.hold.placed.v1";
    public const string QualityHoldReleased = "mes.quality.hold.released.v1";
    public const string ProductionScheduled = "mes.production.scheduled.v1";

    public static readonly IReadOnlyList<string> All =
        [ProductionCompleted, QualityHoldPlaced, QualityHoldReleased, ProductionScheduled];
}
