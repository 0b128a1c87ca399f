using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain.Tendering;

namespace MesTms.Domain.Tests;

/// <summary>
/// The tender waterfall as a table: every phase × everything that can happen. Each cell is the commands the interpreter is
/// asked to carry out, in order, and the phase that follows ("throws" where the input answers a command that phase never
/// issues). Facts below pin the ids, deadlines, reasons and limits.
/// </summary>
public sealed class TenderWaterfallTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    static readonly OrderKey Order = new("P100", "PO-1");
    static readonly ShipmentPolicy Policy = new() { MaxTenders = 5, TenderResponseTimeout = TimeSpan.FromHours(2), TenderSendAttempts = 3 };
    static readonly TenderCandidate Best = new("FAST", ServiceMode.Ftl, Equipment.DryVan, 900m);
    static readonly TenderCandidate Next = new("SLOW", ServiceMode.Ftl, Equipment.DryVan, 950m);
    static readonly string First = TenderIds.For("P100", "PO-1", 0, 1);
    static readonly string Second = TenderIds.For("P100", "PO-1", 0, 2);

    static TenderWaterfallState In(string name) => name switch
    {
        "Rating" => Started(),
        "Sending" => Tendering(1, TenderWaterfallPhase.Sending),
        "SendingLast" => Tendering(2, TenderWaterfallPhase.Sending),
        "SendingRetried" => Tendering(1, TenderWaterfallPhase.Sending) with { SendFailures = 2 },
        "Awaiting" => Tendering(1, TenderWaterfallPhase.AwaitingAnswer),
        "AwaitingLast" => Tendering(2, TenderWaterfallPhase.AwaitingAnswer),
        "Booked" => Tendering(1, TenderWaterfallPhase.Booked),
        "Exhausted" => Tendering(2, TenderWaterfallPhase.Exhausted),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    static TenderWaterfallState Started() => TenderWaterfall.Next(TenderWaterfallState.For(Order, 0), new TenderWaterfallEvent.Began(), Policy, T0).State;

    static TenderWaterfallState Tendering(int attempt, TenderWaterfallPhase phase) => new()
    {
        Shipment = Order, Phase = phase, Candidates = [Best, Next], Summary = "2 quotes", Attempt = attempt,
        TenderId = attempt == 1 ? First : Second, RespondBy = T0.AddHours(2),
    };

    static TenderWaterfallEvent Input(string name) => name switch
    {
        "Began" => new TenderWaterfallEvent.Began(),
        "RatedOff" => new TenderWaterfallEvent.Rated(true, [], "no contracts"),
        "RatedNone" => new TenderWaterfallEvent.Rated(false, [], "no carrier serves 99999"),
        "Rated" => new TenderWaterfallEvent.Rated(false, [Best, Next], "2 quotes"),
        "RatedFirstSent" => new TenderWaterfallEvent.Rated(false, [Best, Next], "2 quotes", TenderSendResult.Delivered),
        "RatedFirstAccepted" => new TenderWaterfallEvent.Rated(false, [Best, Next], "2 quotes", new TenderSendResult(Answer: new CarrierAnswer(true, null))),
        "RatedFirstBooked" => new TenderWaterfallEvent.Rated(false, [Best, Next], "2 quotes", new TenderSendResult(Answer: new CarrierAnswer(true, null), Booked: true)),
        "RatedFirstDeclined" => new TenderWaterfallEvent.Rated(false, [Best, Next], "2 quotes", new TenderSendResult(Answer: new CarrierAnswer(false, "no truck"))),
        "RatedFirstRefused" => new TenderWaterfallEvent.Rated(false, [Best, Next], "2 quotes", new TenderSendResult(Undeliverable: "no endpoint")),
        "RatedFirstFailed" => new TenderWaterfallEvent.Rated(false, [Best, Next], "2 quotes", new TenderSendResult(Failure: "503")),
        "Sent" => new TenderWaterfallEvent.Sent(First, TenderSendResult.Delivered),
        "SentRefused" => new TenderWaterfallEvent.Sent(First, new TenderSendResult(Undeliverable: "no endpoint")),
        "SentFailed" => new TenderWaterfallEvent.Sent(First, new TenderSendResult(Failure: "503")),
        "Accepted" => new TenderWaterfallEvent.Answered(First, new CarrierAnswer(true, null)),
        "Declined" => new TenderWaterfallEvent.Answered(First, new CarrierAnswer(false, "no truck")),
        "StaleAnswer" => new TenderWaterfallEvent.Answered("P100.PO-1.T9", new CarrierAnswer(true, null)),
        "AnswerDue" => new TenderWaterfallEvent.AnswerDue(First),
        "Stopped" => new TenderWaterfallEvent.Stopped("quality hold during tendering"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    static string Run(string phase, string input)
    {
        TenderWaterfallState state = In(phase);
        TenderWaterfallEvent happened = Input(input);
        if (state.Attempt == 2)
        {
            // The same inputs, about the second tender.
            happened = happened switch
            {
                TenderWaterfallEvent.Sent s when s.TenderId == First => s with { TenderId = Second },
                TenderWaterfallEvent.Answered a when a.TenderId == First => a with { TenderId = Second },
                TenderWaterfallEvent.AnswerDue d when d.TenderId == First => new TenderWaterfallEvent.AnswerDue(Second),
                _ => happened,
            };
        }

        try
        {
            TenderWaterfallStep step = TenderWaterfall.Next(state, happened, Policy, T0.AddMinutes(10));
            TenderWaterfallCommand last = step.Commands[^1];
            Assert.True(last.Answers || last is TenderWaterfallCommand.Finish, $"{phase} × {input} must end on a command that answers or finishes");
            Assert.All(step.Commands.SkipLast(1), c => Assert.False(c.Answers || c is TenderWaterfallCommand.Finish, $"{c} must be last"));
            Assert.Equal(last is TenderWaterfallCommand.Finish, step.State.Ended);
            return $"{string.Join(", ", step.Commands.Select(c => c.GetType().Name))} → {step.State.Phase}";
        }
        catch (InvalidOperationException)
        {
            return "throws";
        }
    }

    const string Await = "AwaitAnswer → AwaitingAnswer";
    const string BookIt = "Book, Finish → Booked";
    const string ToNext = "RecordOutcome, SendTender → Sending";
    const string ExhaustIt = "RecordOutcome, Exhaust, Finish → Exhausted";

    public static TheoryData<string, string, string> Table() => new()
    {
        { "Rating", "Began", "throws" },
        { "Rating", "RatedOff", "Finish → PlanningOff" },
        { "Rating", "RatedNone", "Exhaust, Finish → Exhausted" },
        { "Rating", "Rated", "SendTender → Sending" },
        { "Rating", "RatedFirstSent", Await },
        { "Rating", "RatedFirstAccepted", BookIt },
        { "Rating", "RatedFirstBooked", "Finish → Booked" },
        { "Rating", "RatedFirstDeclined", ToNext },
        { "Rating", "RatedFirstRefused", ToNext },
        { "Rating", "RatedFirstFailed", "SendTender → Sending" },
        { "Rating", "Accepted", "throws" },
        { "Rating", "Stopped", "throws" },

        { "Sending", "Sent", Await },
        { "Sending", "SentRefused", ToNext },
        { "Sending", "SentFailed", "SendTender → Sending" },
        { "SendingRetried", "SentFailed", ToNext },
        { "SendingLast", "SentRefused", ExhaustIt },
        { "Sending", "Rated", "throws" },
        { "Sending", "Accepted", "throws" },
        { "Sending", "AnswerDue", "throws" },
        { "Sending", "Stopped", "throws" },

        { "Awaiting", "Accepted", BookIt },
        { "Awaiting", "Declined", ToNext },
        { "Awaiting", "StaleAnswer", Await },
        { "Awaiting", "AnswerDue", ToNext },
        { "Awaiting", "Stopped", "WithdrawOpenTender, Finish → Interrupted" },
        { "Awaiting", "Sent", "throws" },
        { "AwaitingLast", "Accepted", BookIt },
        { "AwaitingLast", "Declined", ExhaustIt },
        { "AwaitingLast", "AnswerDue", ExhaustIt },
        { "AwaitingLast", "Stopped", "WithdrawOpenTender, Finish → Interrupted" },

        { "Booked", "Accepted", "throws" },
        { "Booked", "Stopped", "throws" },
        { "Exhausted", "AnswerDue", "throws" },
        { "Exhausted", "Began", "throws" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decides(string phase, string input, string expected) => Assert.Equal(expected, Run(phase, input));

    [Fact]
    public void The_first_tender_is_merged_into_rating_with_its_business_id_and_deadline()
    {
        TenderWaterfallStep step = TenderWaterfall.Next(TenderWaterfallState.For(Order, 2), new TenderWaterfallEvent.Began(), Policy, T0);
        var rate = Assert.IsType<TenderWaterfallCommand.RateShop>(Assert.Single(step.Commands));
        Assert.Equal(2, rate.Revision);
        Assert.Equal(new FirstTender("P100.PO-1.R2.T1", T0.AddHours(2), BookIfAccepted: true), rate.First);
    }

    [Fact]
    public void A_decline_tenders_the_next_candidate_with_a_fresh_id_and_deadline_and_says_why()
    {
        TenderWaterfallStep step = TenderWaterfall.Next(In("Awaiting"), Input("Declined"), Policy, T0.AddMinutes(30));
        Assert.Equal(new TenderWaterfallCommand.RecordOutcome(First, "FAST", TenderOutcomes.Declined, "no truck"), step.Commands[0]);
        Assert.Equal(new TenderWaterfallCommand.SendTender(Second, 2, Next, T0.AddMinutes(30).AddHours(2), TimeSpan.Zero), step.Commands[1]);
    }

    [Fact]
    public void A_missed_deadline_names_it()
    {
        TenderWaterfallStep step = TenderWaterfall.Next(In("Awaiting"), Input("AnswerDue"), Policy, T0.AddHours(2));
        var outcome = Assert.IsType<TenderWaterfallCommand.RecordOutcome>(step.Commands[0]);
        Assert.Equal(TenderOutcomes.TimedOut, outcome.Outcome);
        Assert.Equal("no answer by 2026-11-25 10:00:00Z", outcome.Reason);
    }

    [Fact]
    public void A_failing_carrier_api_gets_its_attempts_one_second_apart_doubling_then_the_waterfall_moves_on()
    {
        TenderWaterfallState state = In("Sending");
        var delays = new List<TimeSpan>();
        TenderWaterfallStep step;
        while (true)
        {
            step = TenderWaterfall.Next(state, Input("SentFailed"), Policy, T0);
            state = step.State;
            if (step.Commands[0] is not TenderWaterfallCommand.SendTender { TenderId: var id } retry || id != First)
            {
                break;
            }

            delays.Add(retry.After);
        }

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], delays);
        var undeliverable = Assert.IsType<TenderWaterfallCommand.RecordOutcome>(step.Commands[0]);
        Assert.Equal(TenderOutcomes.Undeliverable, undeliverable.Outcome);
        Assert.Equal("the tender could not be delivered after 3 attempt(s): 503", undeliverable.Reason);
        Assert.Equal(Second, Assert.IsType<TenderWaterfallCommand.SendTender>(step.Commands[1]).TenderId);
        Assert.Equal(TimeSpan.FromSeconds(10), TenderWaterfall.SendRetryDelay(8));
    }

    [Fact]
    public void At_most_max_tenders_candidates_are_tendered_and_the_exhaustion_says_how_many_were_left_out()
    {
        ShipmentPolicy one = Policy with { MaxTenders = 1 };
        TenderWaterfallState state = TenderWaterfall.Next(TenderWaterfallState.For(Order, 0), new TenderWaterfallEvent.Began(), one, T0).State;
        state = TenderWaterfall.Next(state, Input("RatedFirstSent"), one, T0).State;
        Assert.Equal([Best], state.Candidates);
        TenderWaterfallStep step = TenderWaterfall.Next(state, Input("Declined"), one, T0.AddMinutes(5));
        Assert.Equal(new TenderWaterfallCommand.Exhaust(1, "1 tender(s) declined, unanswered or undeliverable; 1 further candidate(s) beyond the limit of 1"), step.Commands[1]);
        Assert.Equal(CarrierPlanOutcome.Exhausted, step.State.Outcome);
    }

    [Fact]
    public void No_feasible_carrier_exhausts_at_once_with_the_rate_shop_summary()
    {
        TenderWaterfallStep step = TenderWaterfall.Next(Started(), Input("RatedNone"), Policy, T0);
        Assert.Equal(new TenderWaterfallCommand.Exhaust(0, "No carrier can take this shipment: no carrier serves 99999"), step.Commands[0]);
    }

    [Fact]
    public void An_acceptance_books_the_carrier_that_accepted_with_its_pickup_confirmation()
    {
        var confirmation = new PickupConfirmation(T0.AddHours(3), T0.AddHours(5), "FAST-1");
        TenderWaterfallStep step = TenderWaterfall.Next(In("Awaiting"), new TenderWaterfallEvent.Answered(First, new CarrierAnswer(true, null, confirmation)), Policy, T0);
        Assert.Equal(new TenderWaterfallCommand.Book(First, Best, confirmation), step.Commands[0]);
        Assert.Equal(CarrierPlanOutcome.Booked, step.State.Outcome);
    }

    [Fact]
    public void A_stop_withdraws_the_open_tender_with_the_reason()
    {
        TenderWaterfallStep step = TenderWaterfall.Next(In("AwaitingLast"), Input("Stopped"), Policy, T0);
        Assert.Equal(new TenderWaterfallCommand.WithdrawOpenTender(Second, "SLOW", "quality hold during tendering"), step.Commands[0]);
        Assert.Equal(CarrierPlanOutcome.Interrupted, step.State.Outcome);
    }
}
