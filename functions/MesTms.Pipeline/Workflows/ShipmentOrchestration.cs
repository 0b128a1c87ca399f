using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Workflows;

/// <summary>
/// One instance per production order (instance id from plant + order). Registers the shipment, honours quality
/// holds — waits for release with a durable timer and escalates to planners when the hold outlives
/// <see cref="ShipmentPolicy.HoldEscalationAfter"/> — and records the order as ready to ship. It then keeps
/// listening for hold changes; each change continues as new so the history stays small.
/// Later workflows (consolidation, rate shopping, tendering, docks) plug in after "ready".
/// </summary>
public sealed class ShipmentOrchestration : TaskOrchestrator<ShipmentWorkflowInput, string>
{
    public const string QualityHoldChangedEvent = "QualityHoldChanged";

    /// <summary>Carrier answers arrive as <c>TenderResponse:{tenderId}</c>, so an answer to an old tender is never mistaken for the current one.</summary>
    public static string TenderResponseEvent(string tenderId) => $"TenderResponse:{tenderId}";

    static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 12, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input)
    {
        ILogger log = context.CreateReplaySafeLogger<ShipmentOrchestration>();
        ShipmentWorkflowProgress progress = input.Progress;

        QualityHoldSnapshot holds;
        if (!progress.Registered)
        {
            // Registration also returns the hold ledger: one activity (and one storage round) fewer per order.
            holds = await context.CallActivityAsync<QualityHoldSnapshot>(nameof(RegisterShipment),
                new RegisterShipmentRequest(input.Order, input.SourceEventId, input.AcceptedAt, context.CurrentUtcDateTime), Retry);
            progress = progress with { Registered = true };
            log.LogInformation("Shipment {Order}: registered from event {EventId}", input.Order, input.SourceEventId);
        }
        else
        {
            holds = await context.CallActivityAsync<QualityHoldSnapshot>(nameof(ReadQualityHolds), input.Order, Retry);
        }

        if (holds.Active.Count > 0)
        {
            DateTimeOffset heldSince = progress.HeldSince ?? context.CurrentUtcDateTime;
            if (progress.HoldDecisionVersion != holds.Version)
            {
                string reasons = string.Join("; ", holds.Active.Select(h => $"{h.HoldId}: {h.Reason}"));
                await RecordDecisionAsync(context, input, holds, new ShipmentDecision(
                    $"hold-{holds.Version}", context.CurrentUtcDateTime, ShipmentStatus.OnQualityHold, "Held for quality",
                    $"Nothing is planned until released. Active hold(s): {reasons}"));
                log.LogInformation("Shipment {Order}: on quality hold ({Holds})", input.Order, reasons);
            }

            progress = progress with { HeldSince = heldSince, HoldDecisionVersion = holds.Version, ReadyRecorded = false };
            context.SetCustomStatus(new ShipmentWorkflowStatus(ShipmentStatus.OnQualityHold, holds.Active.Select(h => h.HoldId).ToList()));

            if (progress.Escalated)
            {
                await context.WaitForExternalEvent<QualityHoldSignal>(QualityHoldChangedEvent);
            }
            else if (await WaitForHoldChangeAsync(context, heldSince + input.Policy.HoldEscalationAfter) is false)
            {
                await context.CallActivityAsync(nameof(EscalateQualityHold), new QualityHoldEscalationRequest(
                    input.Order, holds.Active, heldSince, input.Policy.HoldEscalationAfter, context.CurrentUtcDateTime,
                    $"escalation-{heldSince.ToUnixTimeMilliseconds()}"), Retry);
                progress = progress with { Escalated = true };
                log.LogWarning("Shipment {Order}: quality hold escalated to planners after {After}", input.Order, input.Policy.HoldEscalationAfter);
            }

            context.ContinueAsNew(input with { Progress = progress });
            return ShipmentStatus.OnQualityHold;
        }

        if (!progress.ReadyRecorded)
        {
            string reason = progress.HeldSince is { } since
                ? $"All quality holds released after {FormatDuration(context.CurrentUtcDateTime - since)}; ready for planning"
                : "Production completed, QA passed and packaged with no quality hold; ready for planning";
            await RecordDecisionAsync(context, input, holds, new ShipmentDecision(
                $"ready-{holds.Version}", context.CurrentUtcDateTime, ShipmentStatus.ReadyToShip, "Ready to ship", reason));
            progress = progress with { ReadyRecorded = true, HeldSince = null, Escalated = false, HoldDecisionVersion = holds.Version };
            log.LogInformation("Shipment {Order}: ready to ship", input.Order);
        }

        if (!progress.Planned)
        {
            string status = await PlanCarrierAsync(context, input);
            progress = progress with { Planned = true };
            context.SetCustomStatus(new ShipmentWorkflowStatus(status, []));
        }
        else
        {
            context.SetCustomStatus(new ShipmentWorkflowStatus(ShipmentStatus.ReadyToShip, []));
        }

        await context.WaitForExternalEvent<QualityHoldSignal>(QualityHoldChangedEvent);
        context.ContinueAsNew(input with { Progress = progress });
        return ShipmentStatus.ReadyToShip;
    }

    /// <summary>
    /// Rate shopping and the tender waterfall: tender to the best candidate, wait for its answer or the timeout,
    /// fall back to the next; book on acceptance; escalate when the list (or <see cref="ShipmentPolicy.MaxTenders"/>) runs out.
    /// </summary>
    static async Task<string> PlanCarrierAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input)
    {
        ILogger log = context.CreateReplaySafeLogger<ShipmentOrchestration>();
        RateShipmentResult rated = await context.CallActivityAsync<RateShipmentResult>(nameof(RateShipment),
            new RateShipmentRequest(input.Order, context.CurrentUtcDateTime), Retry);
        if (rated.PlanningOff)
        {
            return ShipmentStatus.ReadyToShip;
        }

        log.LogInformation("Shipment {Order}: rate shopped: {Summary}", input.Order, rated.Summary);
        int attempt = 0;
        foreach (TenderCandidate candidate in rated.Candidates.Take(input.Policy.MaxTenders))
        {
            attempt++;
            string tenderId = $"{input.Order.PlantId}.{input.Order.OrderId}.T{attempt}";
            DateTimeOffset respondBy = context.CurrentUtcDateTime + input.Policy.TenderResponseTimeout;
            context.SetCustomStatus(new ShipmentWorkflowStatus(ShipmentStatus.Tendering, []));
            string? undeliverable = await context.CallActivityAsync<string?>(nameof(SendTender),
                new SendTenderRequest(input.Order, context.InstanceId, tenderId, attempt, candidate, context.CurrentUtcDateTime, respondBy), Retry);
            if (undeliverable is not null)
            {
                await RecordOutcomeAsync(context, input, tenderId, candidate, TenderOutcomes.Undeliverable, undeliverable);
                continue;
            }

            using var cancel = new CancellationTokenSource();
            Task<TenderResponse> answer = context.WaitForExternalEvent<TenderResponse>(TenderResponseEvent(tenderId), cancel.Token);
            Task timer = context.CreateTimer(respondBy.UtcDateTime, cancel.Token);
            Task winner = await Task.WhenAny(answer, timer);
            cancel.Cancel();

            if (winner == answer && answer.Result.Accepted)
            {
                await context.CallActivityAsync(nameof(BookShipment), new BookShipmentRequest(input.Order, tenderId, answer.Result, context.CurrentUtcDateTime), Retry);
                log.LogInformation("Shipment {Order}: booked with {Scac} at {Price}", input.Order, candidate.Scac, candidate.Total);
                return ShipmentStatus.Booked;
            }

            if (winner == answer)
            {
                await RecordOutcomeAsync(context, input, tenderId, candidate, TenderOutcomes.Declined, answer.Result.Reason ?? "no reason given");
            }
            else
            {
                await RecordOutcomeAsync(context, input, tenderId, candidate, TenderOutcomes.TimedOut, $"no answer by {respondBy:u}");
            }
        }

        string reason = attempt == 0
            ? $"No carrier can take this shipment: {rated.Summary}"
            : $"{attempt} tender(s) declined, unanswered or undeliverable; {Math.Max(0, rated.Candidates.Count - attempt)} further candidate(s) beyond the limit of {input.Policy.MaxTenders}";
        await context.CallActivityAsync(nameof(ReportTenderExhausted), new TenderExhaustedRequest(input.Order, attempt, reason, context.CurrentUtcDateTime), Retry);
        log.LogWarning("Shipment {Order}: tender waterfall exhausted: {Reason}", input.Order, reason);
        return ShipmentStatus.TenderExhausted;
    }

    static Task RecordOutcomeAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, string tenderId, TenderCandidate candidate, string outcome, string reason) =>
        context.CallActivityAsync(nameof(RecordTenderOutcome),
            new TenderOutcomeRequest(input.Order, tenderId, candidate.Scac, outcome, reason, context.CurrentUtcDateTime), Retry);

    /// <summary>True when the hold ledger changed before the deadline, false when the deadline passed first.</summary>
    static async Task<bool> WaitForHoldChangeAsync(TaskOrchestrationContext context, DateTimeOffset deadline)
    {
        if (deadline <= context.CurrentUtcDateTime)
        {
            return false;
        }

        using var cancel = new CancellationTokenSource();
        Task<QualityHoldSignal> signal = context.WaitForExternalEvent<QualityHoldSignal>(QualityHoldChangedEvent, cancel.Token);
        Task timer = context.CreateTimer(deadline.UtcDateTime, cancel.Token);
        Task winner = await Task.WhenAny(signal, timer);
        cancel.Cancel();
        return winner == signal;
    }

    static Task RecordDecisionAsync(TaskOrchestrationContext context, ShipmentWorkflowInput input, QualityHoldSnapshot holds, ShipmentDecision decision) =>
        context.CallActivityAsync(nameof(RecordShipmentDecision), new ShipmentDecisionRequest(input.Order, decision, holds.Active), Retry);

    static string FormatDuration(TimeSpan duration) =>
        duration.TotalHours >= 1 ? $"{duration.TotalHours:0.#} h" : duration.TotalMinutes >= 1 ? $"{duration.TotalMinutes:0.#} min" : $"{duration.TotalSeconds:0.#} s";
}
