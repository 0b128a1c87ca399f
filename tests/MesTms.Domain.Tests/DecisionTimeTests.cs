using System.Globalization;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

public sealed class DecisionTimeTests
{
    static readonly DateTimeOffset Now = new(2027, 3, 14, 16, 0, 0, TimeSpan.Zero);

    static DateTimeOffset? At(string? hhmmss) => hhmmss is null ? null
        : new DateTimeOffset(Now.Date + TimeSpan.ParseExact(hhmmss, "hh\\:mm\\:ss", CultureInfo.InvariantCulture), TimeSpan.Zero);

    [Theory]
    // the fact's time, handled at 16:00:00 with 5 min allowance → the decision's moment
    [InlineData("15:59:00", "15:59:00")]   // handled a minute late: dated by the fact (a 15:59 completion is before the 16:00 cut-off)
    [InlineData("15:55:00", "15:55:00")]   // exactly the allowance
    [InlineData("12:00:00", "15:55:00")]   // a redelivery hours later: no decision earlier than the allowance
    [InlineData("16:03:00", "16:00:00")]   // dated ahead of the bridge's clock: as of now
    [InlineData(null, "16:00:00")]         // a fact without time: as of now
    public void A_decision_is_dated_by_the_fact_it_answers_within_the_handling_allowance(string? happened, string expected) =>
        Assert.Equal(At(expected), DecisionTime.Of(At(happened), Now, TimeSpan.FromMinutes(5)));

    [Theory]
    // the carrier's stated answer time, the tender sent at 15:50:00, arriving at 16:00:00 → when the answer counts
    [InlineData("15:52:30", "15:52:30")]   // its own time
    [InlineData("15:49:00", "15:50:00")]   // a 990 dated to the minute before the tender's second: not before it was sent
    [InlineData("16:07:00", "16:00:00")]   // a carrier clock ahead: not after the bridge's
    [InlineData(null, "16:00:00")]         // no time stated: when it arrived
    public void A_stated_time_counts_between_the_tender_and_now(string? stated, string expected) =>
        Assert.Equal(At(expected), DecisionTime.Stated(At(stated), At("15:50:00")!.Value, Now));
}
