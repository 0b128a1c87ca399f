namespace MesTms.Domain.Holds;

/// <summary>What is known of one quality hold. A hold is active while placed and not released.</summary>
public sealed record QualityHold(
    string HoldId,
    string? Reason,
    DateTimeOffset? PlacedAt,
    DateTimeOffset? ReleasedAt,
    string? ReleasedBy,
    string? ReleaseNote)
{
    public bool IsActive => PlacedAt is not null && ReleasedAt is null;

    /// <summary>How holds are named in decisions and reasons: <c>QH-1: seal broken; QH-2: label smudged</c>.</summary>
    public static string Describe(IEnumerable<QualityHold> holds) => string.Join("; ", holds.Select(h => $"{h.HoldId}: {h.Reason}"));
}

/// <summary>
/// The quality holds of one order. Event Grid delivers out of order and more than once, so the ledger is
/// order-independent: a release that arrives before its placement is remembered, and the late placement then
/// leaves the hold released; repeating an event changes nothing. <see cref="Version"/> grows on every real change.
/// </summary>
public sealed record QualityHoldLedger(IReadOnlyList<QualityHold> Holds, int Version)
{
    public static readonly QualityHoldLedger Empty = new([], 0);

    public IReadOnlyList<QualityHold> Active => Holds.Where(h => h.IsActive).ToList();

    public bool IsOnHold => Holds.Any(h => h.IsActive);

    public (QualityHoldLedger Ledger, bool Changed) Place(string holdId, string reason, DateTimeOffset placedAt)
    {
        QualityHold? existing = Find(holdId);
        if (existing is { PlacedAt: not null })
        {
            return (this, false);
        }

        QualityHold updated = existing is null
            ? new QualityHold(holdId, reason, placedAt, null, null, null)
            : existing with { Reason = reason, PlacedAt = placedAt };
        return (Replace(holdId, updated), true);
    }

    public (QualityHoldLedger Ledger, bool Changed) Release(string holdId, DateTimeOffset releasedAt, string? releasedBy, string? note)
    {
        QualityHold? existing = Find(holdId);
        if (existing is { ReleasedAt: not null })
        {
            return (this, false);
        }

        QualityHold updated = existing is null
            ? new QualityHold(holdId, null, null, releasedAt, releasedBy, note)
            : existing with { ReleasedAt = releasedAt, ReleasedBy = releasedBy, ReleaseNote = note };
        return (Replace(holdId, updated), true);
    }

    QualityHold? Find(string holdId) => Holds.FirstOrDefault(h => h.HoldId == holdId);

    QualityHoldLedger Replace(string holdId, QualityHold hold) =>
        new(Holds.Where(h => h.HoldId != holdId).Append(hold).OrderBy(h => h.HoldId, StringComparer.Ordinal).ToList(), Version + 1);
}
