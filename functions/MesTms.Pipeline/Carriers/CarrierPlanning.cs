using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Carriers;

/// <summary>
/// Rate shopping and the tender waterfall for one shipment (an order shipped alone, or a consolidated load):
/// tender to the best candidate, wait for its answer or the timeout, fall back to the next; book on acceptance;
/// escalate when the list (or <see cref="ShipmentPolicy.MaxTenders"/>) runs out. Runs inside the calling
/// orchestration (deterministic: context clock and timers only); carrier answers are raised on that orchestration.
/// </summary>
public static class CarrierPlanning
{
    const int RetryAttempts = 12;

    internal static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: RetryAttempts, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    /// <summary>
    /// Sends one tender. A carrier API that keeps failing gets <see cref="ShipmentPolicy.TenderSendAttempts"/> attempts, 1 s
    /// apart, doubling (its answer window is running), then the waterfall moves on. Our own store being busy or unavailable
    /// is not the carrier's fault: those failures are retried as long as any activity, so they never make a carrier
    /// undeliverable. Returns why the tender could not be delivered, or null.
    /// </summary>
    /// <param name="firstFailure">How the carrier's API failed the rating activity's first try of this tender, if it did.</param>
    static async Task<string?> SendAsync(TaskOrchestrationContext context, SendTenderRequest request, ShipmentPolicy policy, string? firstFailure = null)
    {
        int carrierFailures = firstFailure is null ? 0 : 1;
        if (carrierFailures >= Math.Max(1, policy.TenderSendAttempts))
        {
            return $"the tender could not be delivered after {carrierFailures} attempt(s): {firstFailure}";
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await context.CallActivityAsync<string?>(nameof(SendTender), request);
            }
            catch (TaskFailedException e)
            {
                bool ours = StoreFailures.IsStoreFailure(e.FailureDetails);
                carrierFailures += ours ? 0 : 1;
                if (carrierFailures >= Math.Max(1, policy.TenderSendAttempts))
                {
                    return $"the tender could not be delivered after {carrierFailures} attempt(s): {e.FailureDetails.ErrorMessage}";
                }

                if (ours && attempt >= RetryAttempts)
                {
                    throw;
                }

                await context.CreateTimer(TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, attempt - 1))), CancellationToken.None);
            }
        }
    }

    /// <summary>Carrier answers arrive as <c>TenderResponse:{tenderId}</c>, so an answer to an old tender is never mistaken for the current one.</summary>
    public static string TenderResponseEvent(string tenderId) => $"TenderResponse:{tenderId}";

    /// <summary>Tender ids are business keys: plant, shipment, plan revision (after a material load change) and attempt.</summary>
    public static string TenderId(OrderKey shipment, int revision, int attempt) => TenderIds.For(shipment.PlantId, shipment.OrderId, revision, attempt);

    /// <returns>How planning ended: booked, exhausted, off (no contracts), or interrupted from outside.</returns>
    /// <param name="interruption">
    /// Optional: while a tender waits for its answer, a signal that may stop the waterfall (checked when it arrives;
    /// a non-null reason withdraws the open tender and returns <see cref="CarrierPlanOutcome.Interrupted"/>).
    /// </param>
    /// <param name="reserveDoorBecause">On acceptance the booking activity also reserves the dock door, for this reason.</param>
    /// <param name="rated">The rate shop when the caller had it done already, by <see cref="RateRequest"/> (in its own activity).</param>
    public static async Task<CarrierPlanOutcome> PlanAsync(TaskOrchestrationContext context, OrderKey shipment, ShipmentPolicy policy, int revision,
        Action<ShipmentStatus> setStatus, string reserveDoorBecause, WaterfallInterruption? interruption = null,
        (RateShipmentRequest Request, RateShipmentResult Result)? rated = null)
    {
        ILogger log = context.CreateReplaySafeLogger(nameof(CarrierPlanning));
        RateShipmentRequest request = rated?.Request ?? RateRequest(context, shipment, policy, revision, reserveDoorBecause);
        FirstTender? first = request.FirstTender;
        RateShipmentResult rateShop = rated?.Result ?? await context.CallActivityAsync<RateShipmentResult>(nameof(RateShipment), request, Retry);
        return await TenderAsync(context, shipment, policy, revision, setStatus, reserveDoorBecause, interruption, first, rateShop, log);
    }

    /// <summary>
    /// What rating is asked: the first tender goes out from the rating activity itself, with the waterfall's id and deadline.
    /// </summary>
    /// <param name="bookBecause">A carrier that accepts in the tender call itself is booked by the rating activity, with the door reserved for this reason.</param>
    public static RateShipmentRequest RateRequest(TaskOrchestrationContext context, OrderKey shipment, ShipmentPolicy policy, int revision, string? bookBecause = null) =>
        new(shipment, context.CurrentUtcDateTime, revision, policy.MaxTenders >= 1
            ? new FirstTender(context.InstanceId, TenderId(shipment, revision, 1), context.CurrentUtcDateTime + policy.TenderResponseTimeout, bookBecause)
            : null);

    static async Task<CarrierPlanOutcome> TenderAsync(TaskOrchestrationContext context, OrderKey shipment, ShipmentPolicy policy, int revision,
        Action<ShipmentStatus> setStatus, string reserveDoorBecause, WaterfallInterruption? interruption, FirstTender? first, RateShipmentResult rated, ILogger log)
    {
        if (rated.PlanningOff)
        {
            return CarrierPlanOutcome.PlanningOff;
        }

        log.LogInformation("Shipment {Shipment}: rate shopped: {Summary}", shipment, rated.Summary);
        int attempt = 0;
        foreach (TenderCandidate candidate in rated.Candidates.Take(policy.MaxTenders))
        {
            attempt++;
            string tenderId = TenderId(shipment, revision, attempt);
            setStatus(ShipmentStatus.Tendering);
            DateTimeOffset respondBy;
            string? undeliverable;
            if (attempt == 1 && first is not null && rated.FirstSent is { Failure: null, Answer: { } inline } answered)
            {
                // Sent by the rating activity, and the carrier answered in the call: nothing to wait for.
                if (inline.Accepted)
                {
                    if (!answered.Booked)
                    {
                        await context.CallActivityAsync(nameof(BookShipment), new BookShipmentRequest(shipment, tenderId, inline, context.CurrentUtcDateTime, reserveDoorBecause), Retry);
                    }

                    log.LogInformation("Shipment {Shipment}: booked with {Scac} at {Price} (answered in the tender call)", shipment, candidate.Scac, candidate.Total);
                    return CarrierPlanOutcome.Booked;
                }

                await RecordOutcomeAsync(context, shipment, tenderId, candidate, TenderOutcomes.Declined, inline.Reason ?? "no reason given");
                continue;
            }

            if (attempt == 1 && first is not null && rated.FirstSent is { Failure: null } sent)
            {
                // Sent by the rating activity.
                respondBy = first.RespondBy;
                undeliverable = sent.Undeliverable;
            }
            else
            {
                respondBy = attempt == 1 && first is not null ? first.RespondBy : context.CurrentUtcDateTime + policy.TenderResponseTimeout;
                // A carrier API that keeps failing gets a few tries, not the long activity retry: the waterfall moves on.
                undeliverable = await SendAsync(context,
                    new SendTenderRequest(shipment, context.InstanceId, tenderId, attempt, candidate, context.CurrentUtcDateTime, respondBy), policy,
                    firstFailure: attempt == 1 ? rated.FirstSent?.Failure : null);
            }

            if (undeliverable is not null)
            {
                await RecordOutcomeAsync(context, shipment, tenderId, candidate, TenderOutcomes.Undeliverable, undeliverable);
                continue;
            }

            using var cancel = new CancellationTokenSource();
            Task<TenderResponse> answer = context.WaitForExternalEvent<TenderResponse>(TenderResponseEvent(tenderId), cancel.Token);
            Task timer = context.CreateTimer(respondBy.UtcDateTime, cancel.Token);
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
            if (stop is not null)
            {
                await context.CallActivityAsync<bool>(nameof(WithdrawOpenTender),
                    new TenderOutcomeRequest(shipment, tenderId, candidate.Scac, TenderOutcomes.Withdrawn, stop, context.CurrentUtcDateTime), Retry);
                log.LogWarning("Shipment {Shipment}: tender {TenderId} withdrawn: {Reason}", shipment, tenderId, stop);
                return CarrierPlanOutcome.Interrupted;
            }

            if (winner == answer && answer.Result.Accepted)
            {
                await context.CallActivityAsync(nameof(BookShipment), new BookShipmentRequest(shipment, tenderId, answer.Result, context.CurrentUtcDateTime, reserveDoorBecause), Retry);
                log.LogInformation("Shipment {Shipment}: booked with {Scac} at {Price}", shipment, candidate.Scac, candidate.Total);
                return CarrierPlanOutcome.Booked;
            }

            if (winner == answer)
            {
                await RecordOutcomeAsync(context, shipment, tenderId, candidate, TenderOutcomes.Declined, answer.Result.Reason ?? "no reason given");
            }
            else
            {
                await RecordOutcomeAsync(context, shipment, tenderId, candidate, TenderOutcomes.TimedOut, $"no answer by {respondBy:u}");
            }
        }

        string reason = attempt == 0
            ? $"No carrier can take this shipment: {rated.Summary}"
            : $"{attempt} tender(s) declined, unanswered or undeliverable; {Math.Max(0, rated.Candidates.Count - attempt)} further candidate(s) beyond the limit of {policy.MaxTenders}";
        await context.CallActivityAsync(nameof(ReportTenderExhausted), new TenderExhaustedRequest(shipment, attempt, reason, context.CurrentUtcDateTime, revision), Retry);
        log.LogWarning("Shipment {Shipment}: tender waterfall exhausted: {Reason}", shipment, reason);
        return CarrierPlanOutcome.Exhausted;
    }

    static Task RecordOutcomeAsync(TaskOrchestrationContext context, OrderKey shipment, string tenderId, TenderCandidate candidate, string outcome, string reason) =>
        context.CallActivityAsync(nameof(RecordTenderOutcome),
            new TenderOutcomeRequest(shipment, tenderId, candidate.Scac, outcome, reason, context.CurrentUtcDateTime), Retry);
}

/// <summary>
/// What may stop a tender waterfall from outside: <paramref name="Signal"/> waits for the next notice (an external event),
/// <paramref name="ReasonToStop"/> decides on it (activities only) and returns why to stop, or null to keep waiting.
/// </summary>
public sealed record WaterfallInterruption(Func<CancellationToken, Task> Signal, Func<Task<string?>> ReasonToStop);
