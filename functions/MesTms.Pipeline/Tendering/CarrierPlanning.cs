using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain.Tendering;
using MesTms.Domain;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Time;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Tendering;

/// <summary>
/// Rate shopping and the tender waterfall for one shipment (an order shipped alone, or a consolidated load), as the
/// orchestrations carry them out: the rules are <see cref="TenderWaterfall"/>'s. Runs inside the calling orchestration
/// (deterministic: context clock and timers only); carrier answers are raised on that orchestration.
/// </summary>
public static class CarrierPlanning
{
    const int RetryAttempts = 12;

    internal static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: RetryAttempts, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    /// <summary>Carrier answers arrive as <c>TenderResponse:{tenderId}</c>, so an answer to an old tender is never mistaken for the current one.</summary>
    public static string TenderResponseEvent(string tenderId) => $"TenderResponse:{tenderId}";

    /// <summary>Tender ids are business keys: plant, shipment, plan revision (after a material load change) and attempt.</summary>
    public static string TenderId(OrderKey shipment, int revision, int attempt) => TenderIds.For(shipment.PlantId, shipment.OrderId, revision, attempt);

    /// <summary>
    /// Interprets <see cref="TenderWaterfall"/> in real time: asks it what to do, carries out its commands through
    /// activities, timers and external events, and feeds the answer back until it finishes.
    /// Decisions are dated by <paramref name="clock"/>: by the fact that led to them (the carrier's answer, the deadline),
    /// not by how quickly the bridge handled it.
    /// </summary>
    /// <returns>How planning ended: booked, exhausted, off (no contracts), or interrupted from outside.</returns>
    /// <param name="interruption">
    /// Optional: while a tender waits for its answer, a signal that may stop the waterfall (checked when it arrives;
    /// a non-null reason withdraws the open tender and returns <see cref="CarrierPlanOutcome.Interrupted"/>).
    /// </param>
    /// <param name="reserveDoorBecause">On acceptance the booking activity also reserves the dock door, for this reason.</param>
    /// <param name="rate">
    /// Carries out the rating step when the caller merges it into an activity of its own (the ready step of an order shipped
    /// alone); by default the <see cref="RateShipment"/> activity.
    /// </param>
    public static async Task<CarrierPlanOutcome> PlanAsync(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, ShipmentPolicy policy, int revision,
        Action<ShipmentStatus> setStatus, string reserveDoorBecause, WaterfallInterruption? interruption = null,
        Func<RateShipmentRequest, Task<RateShipmentResult>>? rate = null)
    {
        ILogger log = context.CreateReplaySafeLogger(nameof(CarrierPlanning));
        TenderWaterfallState state = TenderWaterfallState.For(shipment, revision);
        TenderWaterfallEvent happened = new TenderWaterfallEvent.Began();
        while (true)
        {
            TenderWaterfallStep step = TenderWaterfall.Next(state, happened, policy, clock.Now(context));
            state = step.State;
            TenderWaterfallEvent? answer = null;
            foreach (TenderWaterfallCommand command in step.Commands)
            {
                answer = command switch
                {
                    TenderWaterfallCommand.RateShop c => await RateAsync(context, clock, shipment, c, reserveDoorBecause, setStatus, rate, log),
                    TenderWaterfallCommand.SendTender c => await SendAsync(context, clock, shipment, c, setStatus),
                    TenderWaterfallCommand.AwaitAnswer c => await AwaitAnswerAsync(context, clock, c, interruption),
                    TenderWaterfallCommand.RecordOutcome c => await RecordOutcomeAsync(context, clock, shipment, c),
                    TenderWaterfallCommand.WithdrawOpenTender c => await WithdrawAsync(context, clock, shipment, c, log),
                    TenderWaterfallCommand.Book c => await BookAsync(context, clock, shipment, c, reserveDoorBecause),
                    TenderWaterfallCommand.Exhaust c => await ExhaustAsync(context, clock, shipment, revision, c, log),
                    TenderWaterfallCommand.Finish => null,
                    _ => throw new ArgumentOutOfRangeException(nameof(command), command, "No handler for this waterfall command."),
                };
            }

            if (state.Ended)
            {
                if (state.Phase == TenderWaterfallPhase.Booked)
                {
                    log.LogInformation("Shipment {Shipment}: booked with {Scac} at {Price}", shipment, state.Current!.Scac, state.Current.Total);
                }

                return state.Outcome;
            }

            happened = answer ?? throw new InvalidOperationException($"The waterfall's last command {step.Commands[^1]} gave no answer in phase {state.Phase}.");
        }
    }

    /// <summary>What rating is asked: the merged first tender goes out from the rating activity itself, with the waterfall's id and deadline.</summary>
    public static RateShipmentRequest RateRequest(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, TenderWaterfallCommand.RateShop command, string reserveDoorBecause) =>
        new(shipment, clock.Now(context), command.Revision, command.First is { } first
            ? new FirstTenderRequest(context.InstanceId, first.TenderId, first.RespondBy, first.BookIfAccepted ? reserveDoorBecause : null)
            : null);

    static async Task<TenderWaterfallEvent> RateAsync(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, TenderWaterfallCommand.RateShop command, string reserveDoorBecause,
        Action<ShipmentStatus> setStatus, Func<RateShipmentRequest, Task<RateShipmentResult>>? rate, ILogger log)
    {
        RateShipmentRequest request = RateRequest(context, clock, shipment, command, reserveDoorBecause);
        if (request.FirstTender is not null)
        {
            setStatus(ShipmentStatus.Tendering);
        }

        RateShipmentResult rated = rate is null ? await context.CallActivityAsync<RateShipmentResult>(nameof(RateShipment), request, Retry) : await rate(request);
        if (!rated.PlanningOff)
        {
            log.LogInformation("Shipment {Shipment}: rate shopped: {Summary}", shipment, rated.Summary);
        }

        return new TenderWaterfallEvent.Rated(rated.PlanningOff, rated.Candidates, rated.Summary, rated.FirstSent);
    }

    /// <summary>
    /// Sends one tender. Our own store being busy or unavailable is not the carrier's fault: those failures are retried here
    /// as long as any activity, so they never make a carrier undeliverable; a failure of the carrier's API goes back to the
    /// waterfall, which decides whether to try again.
    /// </summary>
    static async Task<TenderWaterfallEvent> SendAsync(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, TenderWaterfallCommand.SendTender command, Action<ShipmentStatus> setStatus)
    {
        if (command.After > TimeSpan.Zero)
        {
            DateTimeOffset waitedFrom = clock.Now(context);
            await clock.App.For(context, command.After, CancellationToken.None);
            clock.Arrived(waitedFrom + command.After);
        }

        setStatus(ShipmentStatus.Tendering);
        var request = new SendTenderRequest(shipment, context.InstanceId, command.TenderId, command.Attempt, command.Candidate, clock.Now(context), command.RespondBy);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                string? undeliverable = await context.CallActivityAsync<string?>(nameof(SendTender), request);
                return new TenderWaterfallEvent.Sent(command.TenderId, new TenderSendResult(Undeliverable: undeliverable));
            }
            catch (TaskFailedException e) when (StoreFailures.IsStoreFailure(e.FailureDetails))
            {
                if (attempt >= RetryAttempts)
                {
                    throw;
                }

                await context.CreateTimer(TenderWaterfall.SendRetryDelay(attempt), CancellationToken.None);
            }
            catch (TaskFailedException e)
            {
                return new TenderWaterfallEvent.Sent(command.TenderId, new TenderSendResult(Failure: e.FailureDetails.ErrorMessage));
            }
        }
    }

    /// <summary>The carrier's answer, the deadline, or an interruption that gives a reason to stop, whichever comes first.</summary>
    static async Task<TenderWaterfallEvent> AwaitAnswerAsync(TaskOrchestrationContext context, DecisionClock clock, TenderWaterfallCommand.AwaitAnswer command, WaterfallInterruption? interruption)
    {
        using var cancel = new CancellationTokenSource();
        Task<TenderResponse> answer = context.WaitForExternalEvent<TenderResponse>(TenderResponseEvent(command.TenderId), cancel.Token);
        // The carrier gets its whole window from when the tender really went out: a tender dated a moment earlier (by the
        // fact it answers) does not shorten it. Judged late at respondBy all the same.
        Task timer = clock.App.Until(context, clock.App.Now(context) + (command.RespondBy - clock.Now(context)), cancel.Token);
        Task winner;
        string? stop = null;
        while (true)
        {
            Task? signal = interruption?.Signal(cancel.Token);
            winner = signal is null ? await Task.WhenAny(answer, timer) : await Task.WhenAny(answer, timer, signal);
            if (winner != signal || (stop = await interruption!.ReasonToStop()) is not null)
            {
                break;
            }
        }

        cancel.Cancel();
        // What happens next is dated by what arrived: the carrier's answer when it gave it, the deadline, or now.
        clock.Arrived(stop is not null ? null : winner == answer ? answer.Result.AnsweredAt : command.RespondBy);
        return stop is not null ? new TenderWaterfallEvent.Stopped(stop)
            : winner == answer ? new TenderWaterfallEvent.Answered(command.TenderId, answer.Result.ToCarrierAnswer())
            : new TenderWaterfallEvent.AnswerDue(command.TenderId);
    }

    static async Task<TenderWaterfallEvent?> RecordOutcomeAsync(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, TenderWaterfallCommand.RecordOutcome command)
    {
        await context.CallActivityAsync(nameof(RecordTenderOutcome),
            new TenderOutcomeRequest(shipment, command.TenderId, command.Scac, command.Outcome, command.Reason, clock.Now(context)), Retry);
        return null;
    }

    static async Task<TenderWaterfallEvent?> WithdrawAsync(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, TenderWaterfallCommand.WithdrawOpenTender command, ILogger log)
    {
        await context.CallActivityAsync<bool>(nameof(WithdrawOpenTender),
            new TenderOutcomeRequest(shipment, command.TenderId, command.Scac, TenderOutcomes.Withdrawn, command.Reason, clock.Now(context)), Retry);
        log.LogWarning("Shipment {Shipment}: tender {TenderId} withdrawn: {Reason}", shipment, command.TenderId, command.Reason);
        return null;
    }

    static async Task<TenderWaterfallEvent?> BookAsync(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, TenderWaterfallCommand.Book command, string reserveDoorBecause)
    {
        var response = new TenderResponse(TenderResponse.Accept, null, command.Candidate.Scac, command.PickupConfirmation);
        await context.CallActivityAsync(nameof(BookShipment), new BookShipmentRequest(shipment, command.TenderId, response, clock.Now(context), reserveDoorBecause), Retry);
        return null;
    }

    static async Task<TenderWaterfallEvent?> ExhaustAsync(TaskOrchestrationContext context, DecisionClock clock, OrderKey shipment, int revision, TenderWaterfallCommand.Exhaust command, ILogger log)
    {
        await context.CallActivityAsync(nameof(ReportTenderExhausted), new TenderExhaustedRequest(shipment, command.Tendered, command.Reason, clock.Now(context), revision), Retry);
        log.LogWarning("Shipment {Shipment}: tender waterfall exhausted: {Reason}", shipment, command.Reason);
        return null;
    }
}

/// <summary>
/// What may stop a tender waterfall from outside: <paramref name="Signal"/> waits for the next notice (an external event),
/// <paramref name="ReasonToStop"/> decides on it (activities only) and returns why to stop, or null to keep waiting.
/// </summary>
public sealed record WaterfallInterruption(Func<CancellationToken, Task> Signal, Func<Task<string?>> ReasonToStop);
