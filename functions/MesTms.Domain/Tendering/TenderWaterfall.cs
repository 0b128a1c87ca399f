using System.Text.Json.Serialization;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Tendering;

/// <summary>One carrier option the waterfall may tender to, best first.</summary>
public sealed record TenderCandidate(string Scac, ServiceMode Mode, Equipment Equipment, decimal Total);

/// <summary>A carrier's answer to a tender, as the waterfall needs it (the EDI 990 or the JSON answer, read by the adapters).</summary>
public sealed record CarrierAnswer(bool Accepted, string? Reason, PickupConfirmation? PickupConfirmation = null);

/// <summary>
/// How sending one tender went: delivered and awaiting the answer (everything null), refused by the gateway
/// (<see cref="Undeliverable"/>), the carrier's API failed (<see cref="Failure"/>: sent again, up to
/// <see cref="ShipmentPolicy.TenderSendAttempts"/>), or the carrier answered in the call itself (<see cref="Answer"/>;
/// <see cref="Booked"/> when the same step booked it).
/// </summary>
public sealed record TenderSendResult(string? Undeliverable = null, string? Failure = null, CarrierAnswer? Answer = null, bool Booked = false)
{
    public static readonly TenderSendResult Delivered = new();
}

/// <summary>Where a shipment's tender waterfall stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TenderWaterfallPhase>))]
public enum TenderWaterfallPhase
{
    /// <summary>Rate shopping (and, merged with it, the first tender) is under way.</summary>
    Rating,

    /// <summary>A tender is being sent (again, after a carrier API failure).</summary>
    Sending,

    /// <summary>A tender is out: waiting for the carrier's answer until its deadline.</summary>
    AwaitingAnswer,

    Booked,
    Exhausted,
    PlanningOff,

    /// <summary>A hold or a material load change stopped the waterfall; its open tender was withdrawn.</summary>
    Interrupted,
}

/// <summary>The waterfall's state: the ranked candidates, which one holds the open tender, its id, deadline and failed sends.</summary>
public sealed record TenderWaterfallState
{
    /// <summary>The shipment tendered: an order shipped alone, or a load (plant + load id).</summary>
    public required OrderKey Shipment { get; init; }

    /// <summary>The plan revision: tender ids carry it, so a re-plan never reuses an id.</summary>
    public int Revision { get; init; }

    public TenderWaterfallPhase Phase { get; init; } = TenderWaterfallPhase.Rating;

    /// <summary>The candidates tendered, best first, at most <see cref="ShipmentPolicy.MaxTenders"/>.</summary>
    public IReadOnlyList<TenderCandidate> Candidates { get; init; } = [];

    /// <summary>Feasible candidates left out by <see cref="ShipmentPolicy.MaxTenders"/>.</summary>
    public int BeyondLimit { get; init; }

    public string Summary { get; init; } = "";

    /// <summary>The place (1-based) of the open or last tender in <see cref="Candidates"/>; 0 before the first.</summary>
    public int Attempt { get; init; }

    public string? TenderId { get; init; }

    public DateTimeOffset? RespondBy { get; init; }

    /// <summary>How often the carrier's API failed the current tender.</summary>
    public int SendFailures { get; init; }

    public static TenderWaterfallState For(OrderKey shipment, int revision) => new() { Shipment = shipment, Revision = revision };

    public TenderCandidate? Current => Attempt >= 1 && Attempt <= Candidates.Count ? Candidates[Attempt - 1] : null;

    public bool Ended => Phase is TenderWaterfallPhase.Booked or TenderWaterfallPhase.Exhausted or TenderWaterfallPhase.PlanningOff or TenderWaterfallPhase.Interrupted;

    /// <summary>How planning ended, once <see cref="Ended"/>.</summary>
    public CarrierPlanOutcome Outcome => Phase switch
    {
        TenderWaterfallPhase.Booked => CarrierPlanOutcome.Booked,
        TenderWaterfallPhase.Exhausted => CarrierPlanOutcome.Exhausted,
        TenderWaterfallPhase.PlanningOff => CarrierPlanOutcome.PlanningOff,
        TenderWaterfallPhase.Interrupted => CarrierPlanOutcome.Interrupted,
        _ => throw new InvalidOperationException($"The waterfall of {Shipment} has not ended ({Phase})."),
    };
}

/// <summary>What happened to a waterfall: the input of <see cref="TenderWaterfall.Next"/>.</summary>
public abstract record TenderWaterfallEvent
{
    /// <summary>Planning of the shipment begins (the order is ready, or the load closed or changed materially).</summary>
    public sealed record Began : TenderWaterfallEvent;

    /// <summary>The rate shop's ranked candidates (with how the first tender went when it was merged into rating).</summary>
    public sealed record Rated(bool PlanningOff, IReadOnlyList<TenderCandidate> Candidates, string Summary, TenderSendResult? First = null) : TenderWaterfallEvent;

    /// <summary>A tender was sent, refused, failed, or answered in the call.</summary>
    public sealed record Sent(string TenderId, TenderSendResult Result) : TenderWaterfallEvent;

    /// <summary>The carrier answered the open tender.</summary>
    public sealed record Answered(string TenderId, CarrierAnswer Answer) : TenderWaterfallEvent;

    /// <summary>The open tender's answer deadline passed without an answer.</summary>
    public sealed record AnswerDue(string TenderId) : TenderWaterfallEvent;

    /// <summary>Something outside stopped the waterfall while a tender waited (a quality hold, a material load change).</summary>
    public sealed record Stopped(string Reason) : TenderWaterfallEvent;
}

/// <summary>What the waterfall asks its interpreter to carry out, in order; the last command answers with the next event or ends.</summary>
public abstract record TenderWaterfallCommand
{
    /// <summary>
    /// Rate shop the shipment (record the quotes). With <paramref name="First"/> the same step also tenders to the best
    /// candidate and, when the carrier accepts in the call, books it: one step instead of three. Answers
    /// <see cref="TenderWaterfallEvent.Rated"/>.
    /// </summary>
    public sealed record RateShop(int Revision, FirstTender? First) : TenderWaterfallCommand;

    /// <summary>Send (record, then deliver) a tender, after <paramref name="After"/>. Answers <see cref="TenderWaterfallEvent.Sent"/>.</summary>
    public sealed record SendTender(string TenderId, int Attempt, TenderCandidate Candidate, DateTimeOffset RespondBy, TimeSpan After) : TenderWaterfallCommand;

    /// <summary>
    /// Wait for the carrier's answer to the open tender until <paramref name="RespondBy"/>; an outside interruption may stop
    /// the wait. Answers <see cref="TenderWaterfallEvent.Answered"/>, <see cref="TenderWaterfallEvent.AnswerDue"/> or
    /// <see cref="TenderWaterfallEvent.Stopped"/>.
    /// </summary>
    public sealed record AwaitAnswer(string TenderId, TenderCandidate Candidate, DateTimeOffset RespondBy) : TenderWaterfallCommand;

    /// <summary>Record how a tender ended (declined, timed out, undeliverable), with the reason.</summary>
    public sealed record RecordOutcome(string TenderId, string Scac, string Outcome, string Reason) : TenderWaterfallCommand;

    /// <summary>Withdraw the open tender (the carrier is told; a later answer is refused).</summary>
    public sealed record WithdrawOpenTender(string TenderId, string Scac, string Reason) : TenderWaterfallCommand;

    /// <summary>Book the carrier that accepted (and reserve the shipment's door).</summary>
    public sealed record Book(string TenderId, TenderCandidate Candidate, PickupConfirmation? PickupConfirmation) : TenderWaterfallCommand;

    /// <summary>Mark the waterfall exhausted and tell planners, with the reason.</summary>
    public sealed record Exhaust(int Tendered, string Reason) : TenderWaterfallCommand;

    /// <summary>Planning ended with <paramref name="Outcome"/>: the last command of the waterfall.</summary>
    public sealed record Finish(CarrierPlanOutcome Outcome) : TenderWaterfallCommand;

    /// <summary>True for the commands whose answer is the next event (always last in a step).</summary>
    public bool Answers => this is RateShop or SendTender or AwaitAnswer;
}

/// <summary>The first tender of a waterfall, merged into the rating step: its id, answer deadline and whether an answer in the call books at once.</summary>
public sealed record FirstTender(string TenderId, DateTimeOffset RespondBy, bool BookIfAccepted);

/// <summary>The next state and the commands to carry out, in order.</summary>
public sealed record TenderWaterfallStep(TenderWaterfallState State, IReadOnlyList<TenderWaterfallCommand> Commands);

/// <summary>
/// The tender waterfall as a pure function: (state, what happened, policy, now) → (next state, commands). Rules: the
/// shipment is rate shopped and the first tender goes out in the same step; candidates are tendered best first, at most
/// <see cref="ShipmentPolicy.MaxTenders"/>, each with <see cref="ShipmentPolicy.TenderResponseTimeout"/> to answer; an
/// acceptance books, a decline, a missed deadline or a tender the gateway refuses moves to the next candidate; a carrier
/// API that keeps failing gets <see cref="ShipmentPolicy.TenderSendAttempts"/> tries, 1 s apart doubling to 10 s, before the
/// waterfall moves on; a hold or a material load change while a tender waits withdraws it; when the list runs out planners
/// are told it is exhausted. Tender ids are business keys (<see cref="TenderIds"/>). The live workflows and the plant-day
/// replay both interpret these commands, so they tender alike.
/// </summary>
public static class TenderWaterfall
{
    public static TenderWaterfallStep Next(TenderWaterfallState state, TenderWaterfallEvent happened, ShipmentPolicy policy, DateTimeOffset now) => happened switch
    {
        _ when state.Ended => throw new InvalidOperationException($"The waterfall of {state.Shipment} ended ({state.Phase}); {happened.GetType().Name} comes too late."),
        TenderWaterfallEvent.Began when state.TenderId is not null => throw new InvalidOperationException($"The waterfall of {state.Shipment} began already."),
        TenderWaterfallEvent.Began => Begin(Expect(state, happened, TenderWaterfallPhase.Rating), policy, now),
        TenderWaterfallEvent.Rated rated => OnRated(Expect(state, happened, TenderWaterfallPhase.Rating), rated, policy, now),
        TenderWaterfallEvent.Sent sent => OnSent(ExpectTender(Expect(state, happened, TenderWaterfallPhase.Sending), sent.TenderId), sent.Result, policy, now),
        TenderWaterfallEvent.Answered answered when answered.TenderId != state.TenderId => Await(Expect(state, happened, TenderWaterfallPhase.AwaitingAnswer)),
        TenderWaterfallEvent.Answered answered => OnAnswer(Expect(state, happened, TenderWaterfallPhase.AwaitingAnswer), answered.Answer, booked: false, policy, now),
        TenderWaterfallEvent.AnswerDue due when due.TenderId != state.TenderId => Await(Expect(state, happened, TenderWaterfallPhase.AwaitingAnswer)),
        TenderWaterfallEvent.AnswerDue => Move(Expect(state, happened, TenderWaterfallPhase.AwaitingAnswer), TenderOutcomes.TimedOut, $"no answer by {state.RespondBy:u}", policy, now),
        TenderWaterfallEvent.Stopped stopped => OnStopped(Expect(state, happened, TenderWaterfallPhase.AwaitingAnswer), stopped.Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(happened), happened, "Unknown waterfall event."),
    };

    /// <summary>How a tender withdrawn while it waited for its answer is explained in the shipment's history (live and replay alike).</summary>
    public static string WithdrawnWhileWaiting(string reason, string tenderId, string scac) => $"{reason}: tender {tenderId} to {scac} withdrawn while waiting for the answer";

    /// <summary>The wait before the next try of a tender whose carrier API failed <paramref name="failures"/> times: 1 s, doubling, at most 10 s.</summary>
    public static TimeSpan SendRetryDelay(int failures) => TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, Math.Max(0, failures - 1))));

    static TenderWaterfallState Expect(TenderWaterfallState state, TenderWaterfallEvent happened, TenderWaterfallPhase phase) => state.Phase == phase
        ? state
        : throw new InvalidOperationException($"{happened.GetType().Name} answers a command issued in phase {phase}, but the waterfall of {state.Shipment} is {state.Phase}.");

    static TenderWaterfallState ExpectTender(TenderWaterfallState state, string tenderId) => state.TenderId == tenderId
        ? state
        : throw new InvalidOperationException($"Tender {tenderId} was reported sent, but the waterfall of {state.Shipment} is sending {state.TenderId}.");

    static TenderWaterfallStep Begin(TenderWaterfallState state, ShipmentPolicy policy, DateTimeOffset now)
    {
        string first = TenderIds.For(state.Shipment.PlantId, state.Shipment.OrderId, state.Revision, 1);
        DateTimeOffset respondBy = now + policy.TenderResponseTimeout;
        return Step(state with { TenderId = first, RespondBy = respondBy },
            new TenderWaterfallCommand.RateShop(state.Revision, new FirstTender(first, respondBy, BookIfAccepted: true)));
    }

    static TenderWaterfallStep OnRated(TenderWaterfallState state, TenderWaterfallEvent.Rated rated, ShipmentPolicy policy, DateTimeOffset now)
    {
        if (rated.PlanningOff)
        {
            return Step(state with { Phase = TenderWaterfallPhase.PlanningOff, Summary = rated.Summary }, new TenderWaterfallCommand.Finish(CarrierPlanOutcome.PlanningOff));
        }

        int limit = Math.Max(0, policy.MaxTenders);
        state = state with
        {
            Candidates = rated.Candidates.Take(limit).ToList(),
            BeyondLimit = Math.Max(0, rated.Candidates.Count - limit),
            Summary = rated.Summary,
        };
        if (state.Candidates.Count == 0)
        {
            return Exhausted(state, [], $"No carrier can take this shipment: {rated.Summary}");
        }

        state = state with { Attempt = 1, Phase = TenderWaterfallPhase.Sending };
        return rated.First is { } first ? OnSent(state, first, policy, now) : Send(state, TimeSpan.Zero);
    }

    static TenderWaterfallStep OnSent(TenderWaterfallState state, TenderSendResult result, ShipmentPolicy policy, DateTimeOffset now)
    {
        if (result.Answer is { } answer)
        {
            return OnAnswer(state, answer, result.Booked, policy, now);
        }

        if (result.Undeliverable is { } refused)
        {
            return Move(state, TenderOutcomes.Undeliverable, refused, policy, now);
        }

        if (result.Failure is { } failure)
        {
            int failures = state.SendFailures + 1;
            return failures >= Math.Max(1, policy.TenderSendAttempts)
                ? Move(state, TenderOutcomes.Undeliverable, $"the tender could not be delivered after {failures} attempt(s): {failure}", policy, now)
                : Send(state with { SendFailures = failures }, SendRetryDelay(failures));
        }

        return Await(state with { Phase = TenderWaterfallPhase.AwaitingAnswer });
    }

    static TenderWaterfallStep OnAnswer(TenderWaterfallState state, CarrierAnswer answer, bool booked, ShipmentPolicy policy, DateTimeOffset now)
    {
        TenderCandidate candidate = state.Current!;
        if (!answer.Accepted)
        {
            return Move(state, TenderOutcomes.Declined, answer.Reason ?? "no reason given", policy, now);
        }

        List<TenderWaterfallCommand> commands = booked ? [] : [new TenderWaterfallCommand.Book(state.TenderId!, candidate, answer.PickupConfirmation)];
        commands.Add(new TenderWaterfallCommand.Finish(CarrierPlanOutcome.Booked));
        return new TenderWaterfallStep(state with { Phase = TenderWaterfallPhase.Booked }, commands);
    }

    static TenderWaterfallStep OnStopped(TenderWaterfallState state, string reason) =>
        Step(state with { Phase = TenderWaterfallPhase.Interrupted },
            new TenderWaterfallCommand.WithdrawOpenTender(state.TenderId!, state.Current!.Scac, reason), new TenderWaterfallCommand.Finish(CarrierPlanOutcome.Interrupted));

    /// <summary>The current tender ended without a booking: record why and tender to the next candidate, or exhaust.</summary>
    static TenderWaterfallStep Move(TenderWaterfallState state, string outcome, string reason, ShipmentPolicy policy, DateTimeOffset now)
    {
        var recorded = new TenderWaterfallCommand.RecordOutcome(state.TenderId!, state.Current!.Scac, outcome, reason);
        if (state.Attempt >= state.Candidates.Count)
        {
            return Exhausted(state, [recorded], $"{state.Attempt} tender(s) declined, unanswered or undeliverable; " +
                $"{state.BeyondLimit} further candidate(s) beyond the limit of {policy.MaxTenders}");
        }

        int attempt = state.Attempt + 1;
        TenderWaterfallState next = state with
        {
            Phase = TenderWaterfallPhase.Sending,
            Attempt = attempt,
            TenderId = TenderIds.For(state.Shipment.PlantId, state.Shipment.OrderId, state.Revision, attempt),
            RespondBy = now + policy.TenderResponseTimeout,
            SendFailures = 0,
        };
        TenderWaterfallStep send = Send(next, TimeSpan.Zero);
        return new TenderWaterfallStep(send.State, [recorded, .. send.Commands]);
    }

    static TenderWaterfallStep Exhausted(TenderWaterfallState state, List<TenderWaterfallCommand> commands, string reason)
    {
        commands.Add(new TenderWaterfallCommand.Exhaust(state.Attempt, reason));
        commands.Add(new TenderWaterfallCommand.Finish(CarrierPlanOutcome.Exhausted));
        return new TenderWaterfallStep(state with { Phase = TenderWaterfallPhase.Exhausted }, commands);
    }

    static TenderWaterfallStep Send(TenderWaterfallState state, TimeSpan after) =>
        Step(state with { Phase = TenderWaterfallPhase.Sending },
            new TenderWaterfallCommand.SendTender(state.TenderId!, state.Attempt, state.Current!, state.RespondBy!.Value, after));

    static TenderWaterfallStep Await(TenderWaterfallState state) =>
        Step(state, new TenderWaterfallCommand.AwaitAnswer(state.TenderId!, state.Current!, state.RespondBy!.Value));

    static TenderWaterfallStep Step(TenderWaterfallState state, params TenderWaterfallCommand[] commands) => new(state, commands);
}
