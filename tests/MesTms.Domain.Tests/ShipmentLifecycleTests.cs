using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tests;

/// <summary>
/// The shipment lifecycle as a table: every phase × everything that can happen, alone and in consolidation. Each cell is
/// the commands the driver is asked to carry out, in order, and the phase that follows ("throws" where the input answers a
/// command that phase never issues).
/// </summary>
public sealed class ShipmentLifecycleTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    static readonly ShipmentPolicy Alone = new();
    static readonly ShipmentPolicy Consolidating = new() { Consolidate = true };

    static readonly QualityHold Seal = new("QH-1", "Seal check failed", T0, null, null, null);
    static readonly QualityHoldSnapshot HeldV1 = new(1, [Seal]);
    static readonly QualityHoldSnapshot ReleasedV0 = new(0, []);

    static ShipmentLifecycleState In(ShipmentPhase phase) => phase switch
    {
        ShipmentPhase.Registering => ShipmentLifecycleState.Start,
        ShipmentPhase.Held => new() { Phase = phase, HoldVersion = 1, HeldSince = T0, Holds = HeldV1 },
        ShipmentPhase.BookedHeld => new() { Phase = phase, Plan = ShipmentPlan.Booked, HoldVersion = 1, HeldSince = T0, Holds = HeldV1, WithdrawBy = T0.AddHours(20) },
        ShipmentPhase.OnLoad => Planned(phase, ShipmentPlan.OnLoad) with { LoadId = "L-P100-US-303-D00001" },
        ShipmentPhase.Booked => Planned(phase, ShipmentPlan.Booked),
        ShipmentPhase.Exhausted => Planned(phase, ShipmentPlan.Exhausted),
        ShipmentPhase.Unplanned => Planned(phase, ShipmentPlan.PlanningOff),
        ShipmentPhase.Departed => Planned(phase, ShipmentPlan.Booked),
        ShipmentPhase.Delivered => Planned(phase, ShipmentPlan.Booked),
        _ => Planned(phase, ShipmentPlan.None),
    };

    static ShipmentLifecycleState Planned(ShipmentPhase phase, ShipmentPlan plan) =>
        new() { Phase = phase, Plan = plan, HoldVersion = 0, Holds = ReleasedV0, ReadyRecorded = true };

    static ShipmentEvent Input(string name) => name switch
    {
        "Started" => new ShipmentEvent.Started(),
        "Resumed" => new ShipmentEvent.Resumed(),
        "HoldChanged" => new ShipmentEvent.HoldChanged(),
        "DeadlinePassed" => new ShipmentEvent.DeadlinePassed(),
        "NewHold" => new ShipmentEvent.HoldsRead(new QualityHoldSnapshot(2, [Seal with { HoldId = "QH-2" }])),
        "SameHold" => new ShipmentEvent.HoldsRead(HeldV1),
        "Released" => new ShipmentEvent.HoldsRead(new QualityHoldSnapshot(2, [])),
        "Suspended" => new ShipmentEvent.BookingSuspended(true, null, TimeSpan.FromHours(20)),
        "OpenLoad" => new ShipmentEvent.ConsolidationReviewed(null, null, TimeSpan.FromMinutes(30)),
        "ClosedLoad" => new ShipmentEvent.ConsolidationReviewed("L-P100-US-303-D00002", null, null),
        "Booked" => new ShipmentEvent.CarrierPlanned(CarrierPlanOutcome.Booked),
        "Exhausted" => new ShipmentEvent.CarrierPlanned(CarrierPlanOutcome.Exhausted),
        "PlanningOff" => new ShipmentEvent.CarrierPlanned(CarrierPlanOutcome.PlanningOff),
        "Interrupted" => new ShipmentEvent.CarrierPlanned(CarrierPlanOutcome.Interrupted),
        "Retender" => new ShipmentEvent.RetenderRequested("Dana", "carrier cannot make the window"),
        "Departed" => new ShipmentEvent.CarrierDeparted(),
        "Delivered" => new ShipmentEvent.CarrierDelivered(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    static string Run(ShipmentPhase phase, string input, ShipmentPolicy policy)
    {
        // Deadlines are looked at 30 h after the hold: escalation (24 h) and the withdrawal (20 h) are both due.
        DateTimeOffset now = input == "DeadlinePassed" ? T0.AddHours(30) : T0.AddHours(1);
        try
        {
            ShipmentStep step = ShipmentLifecycle.Next(In(phase), Input(input), policy, now);
            Assert.True(step.Commands[^1].Answers || step.Commands[^1].Ends, $"the last command of {phase} × {input} must answer with the next event (or end the workflow)");
            Assert.All(step.Commands.SkipLast(1), c => Assert.False(c.Answers || c.Ends, $"{c} answers or ends but is not last"));
            return $"{string.Join(", ", step.Commands.Select(c => c.GetType().Name))} → {step.State.Phase}";
        }
        catch (InvalidOperationException)
        {
            return "throws";
        }
    }

    const string HoldAlone = "ReleaseForecastDoor, RecordDecision, ShowStatus, Wait → Held";
    const string HoldOnLoad = "ReleaseForecastDoor, WithdrawFromLoad, RecordDecision, ShowStatus, Wait → Held";
    // Ready and rated alone in one merged step (the speed shortcut is the decider's choice).
    const string ReadyAlone = "MarkReadyAndPlanCarrier → Tendering";
    const string ReadyToJoin = "MarkReady, Consolidate → Ready";

    public static TheoryData<ShipmentPhase, string, string, string> Table() => new()
    {
        // phase, what happened, alone, in consolidation
        { ShipmentPhase.Registering, "Started", "Register → Registering", "Register → Registering" },
        { ShipmentPhase.Registering, "Resumed", "Register → Registering", "Register → Registering" },
        { ShipmentPhase.Registering, "HoldChanged", "Register → Registering", "Register → Registering" },
        { ShipmentPhase.Registering, "DeadlinePassed", "Register → Registering", "Register → Registering" },
        { ShipmentPhase.Registering, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Registering, "SameHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Registering, "Released", ReadyAlone, ReadyToJoin },

        { ShipmentPhase.Held, "Started", "ReadHolds → Held", "ReadHolds → Held" },
        { ShipmentPhase.Held, "Resumed", "ReadHolds → Held", "ReadHolds → Held" },
        { ShipmentPhase.Held, "HoldChanged", "ReadHolds → Held", "ReadHolds → Held" },
        { ShipmentPhase.Held, "DeadlinePassed", "Escalate, ReadHolds → Held", "Escalate, ReadHolds → Held" },
        { ShipmentPhase.Held, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Held, "SameHold", "ShowStatus, Wait → Held", "ShowStatus, Wait → Held" },
        { ShipmentPhase.Held, "Released", ReadyAlone, ReadyToJoin },

        { ShipmentPhase.BookedHeld, "HoldChanged", "ReadHolds → BookedHeld", "ReadHolds → BookedHeld" },
        { ShipmentPhase.BookedHeld, "DeadlinePassed", "WithdrawTender, Escalate, ReadHolds → Held", "WithdrawTender, Escalate, ReadHolds → Held" },
        { ShipmentPhase.BookedHeld, "NewHold", "RecordDecision, ShowStatus, Wait → BookedHeld", "WithdrawFromLoad, RecordDecision, ShowStatus, Wait → Held" },
        { ShipmentPhase.BookedHeld, "SameHold", "ShowStatus, Wait → BookedHeld", "ShowStatus, Wait → BookedHeld" },
        { ShipmentPhase.BookedHeld, "Released", "MarkReady, RecordDecision, ScheduleDock, ShowStatus, Wait → Booked",
            "MarkReady, RecordDecision, ScheduleDock, ShowStatus, Wait → Booked" },
        { ShipmentPhase.BookedHeld, "Suspended", "RecordDecision, ShowStatus, Wait → BookedHeld", "WithdrawFromLoad, RecordDecision, ShowStatus, Wait → Held" },

        { ShipmentPhase.Ready, "HoldChanged", "ReadHolds → Ready", "ReadHolds → Ready" },
        { ShipmentPhase.Ready, "DeadlinePassed", "ReadHolds → Ready", "ReadHolds → Ready" },
        { ShipmentPhase.Ready, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Ready, "Released", "PlanCarrier → Tendering", "Consolidate → Ready" },
        { ShipmentPhase.Ready, "OpenLoad", "ShowStatus, Wait → Consolidating", "ShowStatus, Wait → Consolidating" },
        { ShipmentPhase.Ready, "ClosedLoad", "ShowStatus, Wait → OnLoad", "ShowStatus, Wait → OnLoad" },

        { ShipmentPhase.Consolidating, "HoldChanged", "ReadHolds → Consolidating", "ReadHolds → Consolidating" },
        { ShipmentPhase.Consolidating, "DeadlinePassed", "ReadHolds → Consolidating", "ReadHolds → Consolidating" },
        { ShipmentPhase.Consolidating, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Consolidating, "Released", "PlanCarrier → Tendering", "Consolidate → Ready" },

        { ShipmentPhase.OnLoad, "HoldChanged", "ReadHolds → OnLoad", "ReadHolds → OnLoad" },
        { ShipmentPhase.OnLoad, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.OnLoad, "Released", "ShowStatus, Wait → OnLoad", "ShowStatus, Wait → OnLoad" },

        { ShipmentPhase.Tendering, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Tendering, "Released", "PlanCarrier → Tendering", "Consolidate → Ready" },
        { ShipmentPhase.Tendering, "Booked", "ShowStatus, Wait → Booked", "ShowStatus, Wait → Booked" },
        { ShipmentPhase.Tendering, "Exhausted", "ShowStatus, Wait → Exhausted", "ShowStatus, Wait → Exhausted" },
        { ShipmentPhase.Tendering, "PlanningOff", "ShowStatus, Wait → Unplanned", "ShowStatus, Wait → Unplanned" },
        { ShipmentPhase.Tendering, "Interrupted", "Restart → Held", "Restart → Held" },

        { ShipmentPhase.Booked, "HoldChanged", "ReadHolds → Booked", "ReadHolds → Booked" },
        { ShipmentPhase.Booked, "DeadlinePassed", "ReadHolds → Booked", "ReadHolds → Booked" },
        { ShipmentPhase.Booked, "NewHold", "SuspendBooking → BookedHeld", "WithdrawFromLoad, RecordDecision, ShowStatus, Wait → Held" },
        { ShipmentPhase.Booked, "Released", "ShowStatus, Wait → Booked", "ShowStatus, Wait → Booked" },

        { ShipmentPhase.Exhausted, "HoldChanged", "ReadHolds → Exhausted", "ReadHolds → Exhausted" },
        { ShipmentPhase.Exhausted, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Exhausted, "Released", "ShowStatus, Wait → Exhausted", "ShowStatus, Wait → Exhausted" },

        { ShipmentPhase.Unplanned, "HoldChanged", "ReadHolds → Unplanned", "ReadHolds → Unplanned" },
        { ShipmentPhase.Unplanned, "NewHold", HoldAlone, HoldOnLoad },
        { ShipmentPhase.Unplanned, "Released", "ShowStatus, Wait → Unplanned", "ShowStatus, Wait → Unplanned" },

        // The carrier reports the freight gone: a booked order (or one on a booked load) is done with planning.
        { ShipmentPhase.Booked, "Departed", "ShowStatus, Wait → Departed", "ShowStatus, Wait → Departed" },
        { ShipmentPhase.OnLoad, "Departed", "ShowStatus, Wait → Departed", "ShowStatus, Wait → Departed" },
        { ShipmentPhase.Held, "Departed", "ReadHolds → Held", "ReadHolds → Held" },
        { ShipmentPhase.Departed, "HoldChanged", "Wait → Departed", "Wait → Departed" },
        { ShipmentPhase.Departed, "NewHold", "Wait → Departed", "Wait → Departed" },
        { ShipmentPhase.Departed, "Released", "Wait → Departed", "Wait → Departed" },
        { ShipmentPhase.Departed, "DeadlinePassed", "Wait → Departed", "Wait → Departed" },
        { ShipmentPhase.Departed, "Retender", "Wait → Departed", "Wait → Departed" },
        { ShipmentPhase.Departed, "Departed", "Wait → Departed", "Wait → Departed" },
        { ShipmentPhase.Departed, "Delivered", "ShowStatus, Complete → Delivered", "ShowStatus, Complete → Delivered" },
        { ShipmentPhase.Booked, "Delivered", "ShowStatus, Complete → Delivered", "ShowStatus, Complete → Delivered" },
        { ShipmentPhase.OnLoad, "Delivered", "ShowStatus, Complete → Delivered", "ShowStatus, Complete → Delivered" },
        { ShipmentPhase.Held, "Delivered", "ReadHolds → Held", "ReadHolds → Held" },
        { ShipmentPhase.Tendering, "Delivered", "ReadHolds → Tendering", "ReadHolds → Tendering" },
        { ShipmentPhase.Delivered, "HoldChanged", "Complete → Delivered", "Complete → Delivered" },
        { ShipmentPhase.Delivered, "Retender", "Complete → Delivered", "Complete → Delivered" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Every_phase_answers_every_input(ShipmentPhase phase, string input, string alone, string consolidating)
    {
        Assert.Equal(alone, Run(phase, input, Alone));
        Assert.Equal(consolidating, Run(phase, input, Consolidating));
    }

    public static TheoryData<ShipmentPhase> AllPhases() => new(Enum.GetValues<ShipmentPhase>());

    /// <summary>Every phase in which the freight is still at the plant (after departure a hold changes nothing: see the table).</summary>
    public static TheoryData<ShipmentPhase> PhasesAtThePlant() => new(Enum.GetValues<ShipmentPhase>().Where(p => p is not (ShipmentPhase.Departed or ShipmentPhase.Delivered)));

    [Theory]
    [MemberData(nameof(AllPhases))]
    public void Answers_to_commands_a_phase_never_issues_are_refused(ShipmentPhase phase)
    {
        foreach (string input in new[] { "Suspended", "OpenLoad", "ClosedLoad", "Booked", "Exhausted", "PlanningOff", "Interrupted" })
        {
            bool asked = (phase, input) switch
            {
                (ShipmentPhase.BookedHeld, "Suspended") => true,
                (ShipmentPhase.Ready, "OpenLoad" or "ClosedLoad") => true,
                (ShipmentPhase.Tendering, "Booked" or "Exhausted" or "PlanningOff" or "Interrupted") => true,
                _ => false,
            };
            Assert.Equal(!asked, Run(phase, input, Alone) == "throws");
        }
    }

    [Theory]
    [MemberData(nameof(PhasesAtThePlant))]
    public void A_hold_in_any_phase_stops_planning_and_is_recorded_once(ShipmentPhase phase)
    {
        ShipmentStep held = ShipmentLifecycle.Next(In(phase), Input("NewHold"), Alone, T0.AddHours(1));
        if (held.Commands[^1] is ShipmentCommand.SuspendBooking)
        {
            held = ShipmentLifecycle.Next(held.State, Input("Suspended"), Alone, T0.AddHours(1));
        }

        Assert.Contains(held.Commands, c => c is ShipmentCommand.RecordDecision { Decision.Key: "hold-2", Decision.Status: ShipmentStatus.OnQualityHold });
        Assert.DoesNotContain(held.Commands, c => c is ShipmentCommand.PlanCarrier or ShipmentCommand.Consolidate);
        Assert.IsType<ShipmentCommand.Wait>(held.Commands[^1]);

        // The same ledger read again (a redelivered signal) records nothing more.
        ShipmentStep again = ShipmentLifecycle.Next(held.State, Input("NewHold"), Alone, T0.AddHours(2));
        Assert.DoesNotContain(again.Commands, c => c is ShipmentCommand.RecordDecision);
    }

    [Fact]
    public void A_release_read_before_its_hold_was_seen_goes_straight_to_planning()
    {
        // The order was registered without holds; a placement and its release arrive together (out of order or not):
        // the ledger already shows version 2 with nothing active, so the order is never held.
        ShipmentStep registered = ShipmentLifecycle.Next(ShipmentLifecycleState.Start, new ShipmentEvent.Started(), Alone, T0);
        ShipmentStep read = ShipmentLifecycle.Next(registered.State, new ShipmentEvent.HoldsRead(new QualityHoldSnapshot(2, [])), Alone, T0);

        var ready = Assert.IsType<ShipmentCommand.MarkReadyAndPlanCarrier>(Assert.Single(read.Commands));
        Assert.Equal("ready-2", ready.Decision.Key);
        Assert.Equal("Production completed, QA passed and packaged with no quality hold; ready for planning", ready.Decision.Reason);
        Assert.Equal(0, ready.Revision);
    }

    [Fact]
    public void A_booked_order_on_hold_keeps_its_carrier_if_released_before_the_fee_window_and_loses_it_after()
    {
        ShipmentLifecycleState booked = In(ShipmentPhase.Booked);
        ShipmentStep suspend = ShipmentLifecycle.Next(booked, Input("NewHold"), Alone, T0);
        ShipmentStep waiting = ShipmentLifecycle.Next(suspend.State, new ShipmentEvent.BookingSuspended(true, null, TimeSpan.FromHours(20)), Alone, T0);
        Assert.Equal(T0.AddHours(20), Assert.IsType<ShipmentCommand.Wait>(waiting.Commands[^1]).Until);

        // Released in time: the booking stands and the door is reserved again.
        ShipmentStep kept = ShipmentLifecycle.Next(waiting.State, new ShipmentEvent.HoldsRead(new QualityHoldSnapshot(3, [])), Alone, T0.AddHours(5));
        Assert.Contains(kept.Commands, c => c is ShipmentCommand.RecordDecision { Decision.Key: "booking-kept-3", Decision.Status: ShipmentStatus.Booked });
        Assert.Contains(kept.Commands, c => c is ShipmentCommand.ScheduleDock);
        Assert.Equal(ShipmentPhase.Booked, kept.State.Phase);
        Assert.Contains("5 h", ((ShipmentCommand.MarkReady)kept.Commands[0]).Decision.Reason);

        // Still held at the window: the tender is withdrawn, and after release the order is tendered again under a new revision.
        ShipmentStep withdrawn = ShipmentLifecycle.Next(waiting.State, new ShipmentEvent.DeadlinePassed(), Alone, T0.AddHours(20));
        Assert.IsType<ShipmentCommand.WithdrawTender>(withdrawn.Commands[0]);
        Assert.DoesNotContain(withdrawn.Commands, c => c is ShipmentCommand.Escalate);
        ShipmentStep released = ShipmentLifecycle.Next(withdrawn.State, new ShipmentEvent.HoldsRead(new QualityHoldSnapshot(3, [])), Alone, T0.AddHours(21));
        Assert.Equal(1, Assert.IsType<ShipmentCommand.MarkReadyAndPlanCarrier>(released.Commands[^1]).Revision);
    }

    [Fact]
    public void A_hold_is_escalated_once_however_often_the_deadline_is_looked_at()
    {
        ShipmentLifecycleState held = In(ShipmentPhase.Held);
        ShipmentStep first = ShipmentLifecycle.Next(held, new ShipmentEvent.DeadlinePassed(), Alone, T0.AddHours(24));
        var escalate = Assert.IsType<ShipmentCommand.Escalate>(first.Commands[0]);
        Assert.Equal($"escalation-{T0.ToUnixTimeMilliseconds()}", escalate.DecisionKey);

        ShipmentStep wait = ShipmentLifecycle.Next(first.State, new ShipmentEvent.HoldsRead(HeldV1), Alone, T0.AddHours(24));
        Assert.Null(Assert.IsType<ShipmentCommand.Wait>(wait.Commands[^1]).Until);
        ShipmentStep later = ShipmentLifecycle.Next(wait.State, new ShipmentEvent.DeadlinePassed(), Alone, T0.AddHours(50));
        Assert.DoesNotContain(later.Commands, c => c is ShipmentCommand.Escalate);
    }

    [Fact]
    public void Consolidation_waits_until_the_review_then_looks_again()
    {
        ShipmentStep joined = ShipmentLifecycle.Next(In(ShipmentPhase.Ready), Input("OpenLoad"), Consolidating, T0);
        Assert.Equal(T0.AddMinutes(30), Assert.IsType<ShipmentCommand.Wait>(joined.Commands[^1]).Until);

        ShipmentStep review = ShipmentLifecycle.Next(joined.State, new ShipmentEvent.DeadlinePassed(), Consolidating, T0.AddMinutes(30));
        ShipmentStep again = ShipmentLifecycle.Next(review.State, new ShipmentEvent.HoldsRead(ReleasedV0), Consolidating, T0.AddMinutes(30));
        Assert.Equal(["Consolidate"], again.Commands.Select(c => c.GetType().Name));
    }

    [Theory]
    [InlineData(ShipmentPhase.Booked)]
    [InlineData(ShipmentPhase.Exhausted)]
    public void A_planners_re_tender_of_a_booked_or_exhausted_order_withdraws_it_and_plans_the_next_revision(ShipmentPhase phase)
    {
        ShipmentStep step = ShipmentLifecycle.Next(In(phase) with { PlanRevision = 2 }, Input("Retender"), Alone, T0);

        Assert.Equal(ShipmentPhase.Tendering, step.State.Phase);
        Assert.Equal(ShipmentPlan.None, step.State.Plan);
        Assert.Equal(3, step.State.PlanRevision);
        Assert.Equal([new ShipmentCommand.Retender("Dana", "carrier cannot make the window"), new ShipmentCommand.PlanCarrier(3)], step.Commands);
    }

    [Theory]
    [InlineData(ShipmentPhase.Tendering)]
    [InlineData(ShipmentPhase.Held)]
    [InlineData(ShipmentPhase.BookedHeld)]
    [InlineData(ShipmentPhase.OnLoad)]
    [InlineData(ShipmentPhase.Consolidating)]
    [InlineData(ShipmentPhase.Unplanned)]
    public void A_re_tender_at_any_other_moment_changes_nothing_but_a_look_at_the_holds(ShipmentPhase phase)
    {
        ShipmentLifecycleState state = In(phase);
        ShipmentStep step = ShipmentLifecycle.Next(state, Input("Retender"), Alone, T0);

        Assert.Equal(state, step.State);
        Assert.Equal([new ShipmentCommand.ReadHolds()], step.Commands);
    }
}
