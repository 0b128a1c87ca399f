using MesTms.Domain.Holds;

namespace MesTms.Domain.Tests;

public sealed class QualityHoldLedgerTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Placed_then_released_is_not_on_hold()
    {
        (QualityHoldLedger placed, bool changed) = QualityHoldLedger.Empty.Place("QH-1", "seal", T0);
        Assert.True(changed);
        Assert.True(placed.IsOnHold);

        (QualityHoldLedger released, _) = placed.Release("QH-1", T0.AddHours(1), "qa", null);
        Assert.False(released.IsOnHold);
        Assert.Equal(2, released.Version);
    }

    [Fact]
    public void A_release_that_arrives_before_its_placement_wins()
    {
        (QualityHoldLedger released, _) = QualityHoldLedger.Empty.Release("QH-1", T0.AddHours(1), "qa", null);
        (QualityHoldLedger placedLate, _) = released.Place("QH-1", "seal", T0);

        Assert.False(placedLate.IsOnHold);
        Assert.Equal("seal", Assert.Single(placedLate.Holds).Reason);
    }

    [Fact]
    public void Redelivered_events_change_nothing()
    {
        (QualityHoldLedger once, _) = QualityHoldLedger.Empty.Place("QH-1", "seal", T0);
        (QualityHoldLedger twice, bool changed) = once.Place("QH-1", "seal", T0);
        Assert.False(changed);
        Assert.Same(once, twice);

        (QualityHoldLedger released, _) = once.Release("QH-1", T0, null, null);
        (_, bool releasedAgain) = released.Release("QH-1", T0, null, null);
        Assert.False(releasedAgain);
    }

    [Fact]
    public void Any_order_of_the_same_events_ends_in_the_same_holds()
    {
        var events = new List<Func<QualityHoldLedger, (QualityHoldLedger, bool)>>
        {
            l => l.Place("A", "a", T0),
            l => l.Place("B", "b", T0),
            l => l.Release("A", T0.AddHours(1), "qa", null),
        };
        var outcomes = new HashSet<string>();
        foreach (int[] order in new[] { new[] { 0, 1, 2 }, [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0] })
        {
            QualityHoldLedger ledger = QualityHoldLedger.Empty;
            foreach (int i in order)
            {
                ledger = events[i](ledger).Item1;
            }

            outcomes.Add(string.Join(",", ledger.Active.Select(h => h.HoldId)));
        }

        Assert.Equal("B", Assert.Single(outcomes));
    }
}
