using MesTms.Domain.Loads;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

/// <summary>The load lifecycle as a table: phase × what happened → the commands, in order, and the phase that follows.</summary>
public sealed class LoadLifecycleTests
{
    static LoadLifecycleState In(string name) => name switch
    {
        "New" => new(),
        "PlannedR1" => new() { Phase = LoadPhase.Preparing, PlannedRevision = 1 },
        "PlanningR2" => new() { Phase = LoadPhase.Planning, PlannedRevision = 1, PlanningRevision = 2 },
        "Planned" => new() { Phase = LoadPhase.Planned, PlannedRevision = 1 },
        "Cancelled" => new() { Phase = LoadPhase.Cancelled },
        "Delivered" => new() { Phase = LoadPhase.Delivered, PlannedRevision = 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    static LoadEvent Input(string name) => name switch
    {
        "Started" => new LoadEvent.Started(),
        "Empty" => new LoadEvent.Prepared(3, 0),
        "SameRevision" => new LoadEvent.Prepared(1, 4),
        "NewRevision" => new LoadEvent.Prepared(2, 3),
        "Booked" => new LoadEvent.CarrierPlanned(CarrierPlanOutcome.Booked),
        "Exhausted" => new LoadEvent.CarrierPlanned(CarrierPlanOutcome.Exhausted),
        "Interrupted" => new LoadEvent.CarrierPlanned(CarrierPlanOutcome.Interrupted),
        "Changed" => new LoadEvent.MembershipChanged(),
        "Delivered" => new LoadEvent.Delivered(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    static string Run(string phase, string input)
    {
        try
        {
            LoadStep step = LoadLifecycle.Next(In(phase), Input(input));
            Assert.True(step.Commands[^1].Answers || step.Commands[^1].Ends, $"{phase} × {input} must end on a command that answers or ends");
            Assert.All(step.Commands.SkipLast(1), c => Assert.False(c.Answers || c.Ends, $"{c} must be last"));
            return $"{string.Join(", ", step.Commands.Select(c => c.GetType().Name))} → {step.State.Phase} r{step.State.PlannedRevision?.ToString() ?? "-"}";
        }
        catch (InvalidOperationException)
        {
            return "throws";
        }
    }

    public static TheoryData<string, string, string> Table() => new()
    {
        { "New", "Started", "Prepare → Preparing r-" },
        { "New", "NewRevision", "PlanCarrier → Planning r-" },                                   // first plan: nothing to withdraw
        { "New", "Empty", "WithdrawPlan, ShowStatus, Complete → Cancelled r-" },
        { "PlannedR1", "SameRevision", "ApplyOutcome, ShowStatus, WaitForChange → Planned r1" },    // a small change keeps the plan
        { "PlannedR1", "NewRevision", "WithdrawPlan, PlanCarrier → Planning r1" },                  // a material change re-plans
        { "PlannedR1", "Empty", "WithdrawPlan, ShowStatus, Complete → Cancelled r1" },
        { "PlannedR1", "Booked", "throws" },
        { "PlanningR2", "Booked", "ApplyOutcome, ShowStatus, WaitForChange → Planned r2" },
        { "PlanningR2", "Exhausted", "ApplyOutcome, ShowStatus, WaitForChange → Planned r2" },
        { "PlanningR2", "Interrupted", "Restart → Planning r1" },                                  // planned afresh next episode
        { "PlanningR2", "Changed", "throws" },
        { "Planned", "Changed", "Restart → Planned r1" },
        { "Planned", "Delivered", "ShowStatus, Complete → Delivered r1" },
        { "Planned", "SameRevision", "throws" },
        { "Planned", "Started", "Prepare → Preparing r1" },
        { "Cancelled", "Started", "throws" },
        { "Delivered", "Changed", "throws" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decides(string phase, string input, string expected) => Assert.Equal(expected, Run(phase, input));

    [Fact]
    public void Withdrawals_say_why()
    {
        Assert.Equal(new LoadCommand.WithdrawPlan("load changed materially (revision 2): re-planning the carrier", false),
            LoadLifecycle.Next(In("PlannedR1"), Input("NewRevision")).Commands[0]);
        Assert.Equal(new LoadCommand.WithdrawPlan(LoadLifecycle.Emptied, true), LoadLifecycle.Next(In("New"), Input("Empty")).Commands[0]);
        Assert.Equal(new LoadCommand.PlanCarrier(2), LoadLifecycle.Next(In("PlannedR1"), Input("NewRevision")).Commands[1]);
    }

    [Theory]
    [InlineData(2, 2, 3, null)]
    [InlineData(2, 3, 3, "load changed materially while tendering (revision 2 → 3, 3 order(s))")]
    [InlineData(2, 2, 0, "load changed materially while tendering (revision 2 → 2, 0 order(s))")]
    public void A_change_while_tendering_stops_the_waterfall_only_when_material_or_empty(int planning, int revision, int orders, string? why) =>
        Assert.Equal(why, LoadLifecycle.StopsTendering(planning, revision, orders));
}
