using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Loads;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Workflows;

/// <summary>
/// One instance per production order (instance id from plant + order). Registers the shipment, honours quality
/// holds — waits for release with a durable timer and escalates to planners when the hold outlives
/// <see cref="ShipmentPolicy.HoldEscalationAfter"/> — and records the order as ready to ship. It then keeps
/// listening for hold changes; each change continues as new so the history stays small.
/// After "ready" the order either joins real-time consolidation (<see cref="ShipmentPolicy.Consolidate"/>: it waits in
/// an open load, reviewed at the load's cut-off or review time, until a <see cref="LoadOrchestration"/> takes it) or is
/// rate shopped and tendered on its own (<see cref="CarrierPlanning"/>). A hold takes a consolidated order off its load.
/// </summary>
public sealed class ShipmentOrchestration : TaskOrchestrator<ShipmentWorkflowInput, string>
{
    public const string QualityHoldChangedEvent = "QualityHoldChanged";

    static readonly TaskOptions Retry = CarrierPlanning.Retry;

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
                string reasons = QualityHold.Describe(holds.Active);
                if (!input.Policy.Consolidate && progress.Booked && progress.WithdrawBy is null)
                {
                    // Booked and now held: the door goes back to the schedule; the tender stays until the fee window.
                    SuspendBookingResult suspended = await context.CallActivityAsync<SuspendBookingResult>(nameof(SuspendBookingForHold),
                        new SuspendBookingRequest(input.Order, reasons, input.Policy.CancellationFeeWindow, context.CurrentUtcDateTime), Retry);
                    // The deadline on the orchestration's clock (instances from before WithdrawIn existed keep the absolute one).
                    DateTimeOffset? withdrawBy = suspended.WithdrawIn is { } wait ? context.CurrentUtcDateTime + wait : suspended.WithdrawBy;
                    progress = progress with { WithdrawBy = withdrawBy, Booked = suspended.Booked };
                }
                else if (!progress.Booked)
                {
                    // Not booked (held before or after completion): a door planned from the forecast goes back to the schedule.
                    await context.CallActivityAsync<bool>(nameof(ReleaseForecastDoorForHold),
                        new ForecastDoorReleaseRequest(input.Order, reasons, context.CurrentUtcDateTime), Retry);
                }

                if (input.Policy.Consolidate)
                {
                    // Off its open or closed load: the load is rebuilt without it (and re-planned if that changed it materially).
                    await context.CallActivityAsync<string>(nameof(WithdrawFromLoad), new WithdrawFromLoadRequest(input.Order, $"quality hold: {reasons}"), Retry);
                    progress = progress with { Planned = false, LoadId = null };
                }

                await RecordDecisionAsync(context, input, holds, new ShipmentDecision(
                    $"hold-{holds.Version}", context.CurrentUtcDateTime, ShipmentStatus.OnQualityHold, "Held for quality",
                    $"Nothing is planned until released. Active hold(s): {reasons}"));
                log.LogInformation("Shipment {Order}: on quality hold ({Holds})", input.Order, reasons);
            }

            progress = progress with { HeldSince = heldSince, HoldDecisionVersion = holds.Version, ReadyRecorded = false };
            context.SetCustomStatus(new ShipmentWorkflowStatus(ShipmentStatus.OnQualityHold, holds.Active.Select(h => h.HoldId).ToList()));

            // Two deadlines while held: withdrawing a booked tender before the carrier's cancellation-fee window, and
            // escalating to planners. The timer is cancelled when a hold change arrives first.
            DateTimeOffset? escalateAt = progress.Escalated ? null : heldSince + input.Policy.HoldEscalationAfter;
            DateTimeOffset? withdrawAt = progress.WithdrawBy;
            DateTimeOffset? deadline = escalateAt is null ? withdrawAt : withdrawAt is null || escalateAt < withdrawAt ? escalateAt : withdrawAt;
            if (deadline is null)
            {
                await context.WaitForExternalEvent<QualityHoldSignal>(QualityHoldChangedEvent);
            }
            else if (await WaitForHoldChangeAsync(context, deadline.Value) is false)
            {
                if (withdrawAt is not null && withdrawAt <= context.CurrentUtcDateTime)
                {
                    string reasons = QualityHold.Describe(holds.Active);
                    await context.CallActivityAsync<bool>(nameof(WithdrawTenderForHold), new WithdrawTenderRequest(input.Order,
                        $"still on quality hold ({reasons}) at {context.CurrentUtcDateTime:u}", context.CurrentUtcDateTime), Retry);
                    progress = progress with { WithdrawBy = null, Booked = false, Planned = false, PlanRevision = progress.PlanRevision + 1 };
                    log.LogWarning("Shipment {Order}: tender withdrawn before the cancellation-fee window; re-tendered after release", input.Order);
                }

                if (escalateAt is not null && escalateAt <= context.CurrentUtcDateTime)
                {
                    await context.CallActivityAsync(nameof(EscalateQualityHold), new QualityHoldEscalationRequest(
                        input.Order, holds.Active, heldSince, input.Policy.HoldEscalationAfter, context.CurrentUtcDateTime,
                        $"escalation-{heldSince.ToUnixTimeMilliseconds()}"), Retry);
                    progress = progress with { Escalated = true };
                    log.LogWarning("Shipment {Order}: quality hold escalated to planners after {After}", input.Order, input.Policy.HoldEscalationAfter);
                }
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

            // A door planned from the forecast follows the actual output: pulled forward or pushed back.
            await context.CallActivityAsync<DockResult>(nameof(ApplyActualCompletion), input.Order, Retry);

            if (progress.Booked && progress.WithdrawBy is not null)
            {
                // Released before the cancellation-fee window: the booking stands; reserve the door again.
                await RecordDecisionAsync(context, input, holds, new ShipmentDecision($"booking-kept-{holds.Version}", context.CurrentUtcDateTime, ShipmentStatus.Booked,
                    "Booking kept", $"Hold released before the tender had to be withdrawn ({progress.WithdrawBy:u}): carrier keeps the load"));
                await context.CallActivityAsync<DockResult>(nameof(ScheduleDock),
                    new ScheduleDockRequest(input.Order, "hold released, booking kept", context.CurrentUtcDateTime), Retry);
                progress = progress with { WithdrawBy = null };
            }
        }

        if (!progress.Planned && input.Policy.Consolidate)
        {
            // Real-time consolidation: join (or review) the open load; wait for more freight until the load closes.
            ConsolidationStep step = await context.CallActivityAsync<ConsolidationStep>(nameof(ConsolidateOrder), input.Order, Retry);
            if (step.LoadId is null)
            {
                context.SetCustomStatus(new ShipmentWorkflowStatus(ShipmentStatus.Consolidating, []));
                DateTimeOffset review = step.ReviewIn is { } wait ? context.CurrentUtcDateTime + wait : step.NextReviewAt ?? context.CurrentUtcDateTime.AddMinutes(1);
                await WaitForHoldChangeAsync(context, review);
                context.ContinueAsNew(input with { Progress = progress });
                return ShipmentStatus.Consolidating;
            }

            log.LogInformation("Shipment {Order}: on load {LoadId}", input.Order, step.LoadId);
            progress = progress with { Planned = true, LoadId = step.LoadId };
            context.SetCustomStatus(new ShipmentWorkflowStatus(ShipmentStatus.Consolidated, []));
        }
        else if (!progress.Planned)
        {
            // A hold arriving while a tender waits for its answer stops the waterfall: the open tender is withdrawn.
            var holdDuringTendering = new WaterfallInterruption(
                cancel => context.WaitForExternalEvent<QualityHoldSignal>(QualityHoldChangedEvent, cancel),
                async () => await context.CallActivityAsync<QualityHoldSnapshot>(nameof(ReadQualityHolds), input.Order, Retry) is { Active.Count: > 0 } held
                    ? $"quality hold during tendering ({QualityHold.Describe(held.Active)})"
                    : null);
            string status = await CarrierPlanning.PlanAsync(context, input.Order, input.Policy, progress.PlanRevision,
                s => context.SetCustomStatus(new ShipmentWorkflowStatus(s, [])), holdDuringTendering);
            if (status == CarrierPlanning.Interrupted)
            {
                // Re-read the holds from the start; after release the order is tendered again with fresh tender ids.
                context.ContinueAsNew(input with { Progress = progress with { Planned = false, PlanRevision = progress.PlanRevision + 1 } });
                return ShipmentStatus.OnQualityHold;
            }

            progress = progress with { Planned = true, Booked = status == ShipmentStatus.Booked };
            if (status == ShipmentStatus.Booked)
            {
                await context.CallActivityAsync<DockResult>(nameof(ScheduleDock),
                    new ScheduleDockRequest(input.Order, "carrier booked", context.CurrentUtcDateTime), Retry);
            }

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
