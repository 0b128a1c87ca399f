namespace MesTms.Domain.Shipments;

/// <summary>
/// When a decision is dated: by the fact it answers — the completion's completedAt, a hold's placedAt, the carrier's answer, the deadline that
/// passed — not by the moment the bridge got round to it. Doors, pickup days and cut-offs then do not depend on how
/// quickly an event was handled (a completion at 15:59 handled at 16:00:02 is still decided as of 15:59), and the live
/// workflows and the plant-day replay decide the same input alike. A fact older than <c>allowance</c> (a redelivery,
/// a backlog, a restart) is decided as of <c>now - allowance</c>, never earlier; one dated after now, as of now.
/// </summary>
public static class DecisionTime
{
    /// <summary>The moment a decision about <paramref name="happenedAt"/> is dated (now when the fact has no time).</summary>
    public static DateTimeOffset Of(DateTimeOffset? happenedAt, DateTimeOffset now, TimeSpan allowance) =>
        happenedAt is not { } at || at >= now ? now
        : at < now - allowance ? now - allowance
        : at;

    /// <summary>
    /// When something a partner dated happened, as the bridge takes it (a carrier's answer to a tender): its own time when
    /// it states one, never before <paramref name="notBefore"/> (the tender was sent) nor after the bridge's
    /// <paramref name="now"/> (a clock running a little ahead); without one, when it arrived.
    /// </summary>
    public static DateTimeOffset Stated(DateTimeOffset? stated, DateTimeOffset notBefore, DateTimeOffset now) =>
        stated is not { } at ? now
        : at < notBefore ? (notBefore < now ? notBefore : now)
        : at > now ? now
        : at;
}
