using System.Text.Json.Serialization;
using MesTms.Domain.Shipments;

namespace MesTms.Domain.Loads;

/// <summary>Where a closed load's workflow stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LoadPhase>))]
public enum LoadPhase
{
    /// <summary>The load's shipment is being prepared from the orders on it.</summary>
    Preparing,

    /// <summary>Rate shopping and the tender waterfall run for the load's current revision.</summary>
    Planning,

    /// <summary>The carrier plan stands (booked, exhausted or planning off); the load waits for a change or its delivery.</summary>
    Planned,

    /// <summary>Every order was taken off: the plan was withdrawn and the load cancelled. The workflow ends.</summary>
    Cancelled,

    /// <summary>The load's truck delivered. The workflow ends.</summary>
    Delivered,
}

/// <summary>The load lifecycle's state across episodes: which revision the carrier was planned for.</summary>
public sealed record LoadLifecycleState
{
    public LoadPhase Phase { get; init; } = LoadPhase.Preparing;

    /// <summary>The load revision the carrier plan stands for (null: none yet).</summary>
    public int? PlannedRevision { get; init; }

    /// <summary>The revision being planned (while <see cref="LoadPhase.Planning"/>).</summary>
    public int? PlanningRevision { get; init; }

    public bool Ended => Phase is LoadPhase.Cancelled or LoadPhase.Delivered;
}

/// <summary>What happened to a load: the input of <see cref="LoadLifecycle.Next"/>.</summary>
public abstract record LoadEvent
{
    /// <summary>An episode of the workflow began (the load closed, or it changed since the last episode).</summary>
    public sealed record Started : LoadEvent;

    /// <summary>The load's shipment was prepared from the orders on it: its revision and how many orders are on it.</summary>
    public sealed record Prepared(int Revision, int OrderCount) : LoadEvent;

    /// <summary>Carrier planning ended.</summary>
    public sealed record CarrierPlanned(CarrierPlanOutcome Outcome) : LoadEvent;

    /// <summary>An order was taken off or the load was rebuilt (its workflow is told).</summary>
    public sealed record MembershipChanged : LoadEvent;

    /// <summary>The load's carrier reported it delivered.</summary>
    public sealed record Delivered : LoadEvent;
}

/// <summary>What the load lifecycle asks its interpreter to carry out, in order.</summary>
public abstract record LoadCommand
{
    /// <summary>Prepare (or refresh) the load's shipment from its orders. Answers <see cref="LoadEvent.Prepared"/>.</summary>
    public sealed record Prepare : LoadCommand;

    /// <summary>Withdraw the current carrier plan (booking released, carrier told); with <paramref name="Cancel"/> the load is cancelled.</summary>
    public sealed record WithdrawPlan(string Reason, bool Cancel) : LoadCommand;

    /// <summary>Rate shop and tender the load's revision (stopped by a material change). Answers <see cref="LoadEvent.CarrierPlanned"/>.</summary>
    public sealed record PlanCarrier(int Revision) : LoadCommand;

    /// <summary>Copy the load shipment's outcome (carrier, price, pickup) to the load and every order on it.</summary>
    public sealed record ApplyOutcome : LoadCommand;

    public sealed record ShowStatus(string Status) : LoadCommand;

    /// <summary>Wait for a membership change or the delivery. Answers <see cref="LoadEvent.MembershipChanged"/> or <see cref="LoadEvent.Delivered"/>.</summary>
    public sealed record WaitForChange : LoadCommand;

    /// <summary>End the episode and begin the next with a fresh history. Answers <see cref="LoadEvent.Started"/>.</summary>
    public sealed record Restart : LoadCommand;

    /// <summary>The load's life is over: the workflow completes.</summary>
    public sealed record Complete : LoadCommand;

    public bool Answers => this is Prepare or PlanCarrier or WaitForChange or Restart;

    public bool Ends => this is Complete;
}

public sealed record LoadStep(LoadLifecycleState State, IReadOnlyList<LoadCommand> Commands);

/// <summary>
/// A closed load's life as a pure function: (state, what happened) → (next state, commands). Rules: each episode prepares
/// the load's shipment from its orders; a load left without orders withdraws its plan and is cancelled; a revision the
/// carrier was not planned for (a material change) withdraws the old plan and is planned afresh, and a change during
/// tendering stops the waterfall and starts over; a small change keeps the plan; a planned load's outcome is copied to
/// its orders and it waits for the next change or its delivery, which ends it.
/// </summary>
public static class LoadLifecycle
{
    public const string Emptied = "every order was taken off the load";

    /// <summary>
    /// Whether a change while revision <paramref name="planning"/> is being tendered stops the waterfall (its open tender
    /// withdrawn, the rebuilt load planned afresh): a new revision (material change) or no order left. Returns why, or null
    /// (a small change: tendering goes on).
    /// </summary>
    public static string? StopsTendering(int planning, int revision, int orders) => revision != planning || orders == 0
        ? $"load changed materially while tendering (revision {planning} → {revision}, {orders} order(s))"
        : null;

    public static LoadStep Next(LoadLifecycleState state, LoadEvent happened) => happened switch
    {
        _ when state.Ended => throw new InvalidOperationException($"The load ended ({state.Phase}); {happened.GetType().Name} comes too late."),
        LoadEvent.Started => Step(state with { Phase = LoadPhase.Preparing, PlanningRevision = null }, new LoadCommand.Prepare()),
        LoadEvent.Prepared prepared when state.Phase == LoadPhase.Preparing => OnPrepared(state, prepared),
        LoadEvent.CarrierPlanned planned when state.Phase == LoadPhase.Planning => OnPlanned(state, planned.Outcome),
        LoadEvent.MembershipChanged when state.Phase == LoadPhase.Planned => Step(state, new LoadCommand.Restart()),
        LoadEvent.Delivered when state.Phase == LoadPhase.Planned =>
            Step(state with { Phase = LoadPhase.Delivered }, new LoadCommand.ShowStatus(nameof(ShipmentStatus.Delivered)), new LoadCommand.Complete()),
        _ => throw new InvalidOperationException($"{happened.GetType().Name} does not answer anything the load asked in phase {state.Phase}."),
    };

    static LoadStep OnPrepared(LoadLifecycleState state, LoadEvent.Prepared prepared)
    {
        if (prepared.OrderCount == 0)
        {
            return Step(state with { Phase = LoadPhase.Cancelled }, new LoadCommand.WithdrawPlan(Emptied, Cancel: true),
                new LoadCommand.ShowStatus(nameof(ShipmentStatus.Cancelled)), new LoadCommand.Complete());
        }

        if (state.PlannedRevision == prepared.Revision)
        {
            return Planned(state);
        }

        List<LoadCommand> commands = state.PlannedRevision is null ? []
            : [new LoadCommand.WithdrawPlan($"load changed materially (revision {prepared.Revision}): re-planning the carrier", Cancel: false)];
        commands.Add(new LoadCommand.PlanCarrier(prepared.Revision));
        return new LoadStep(state with { Phase = LoadPhase.Planning, PlanningRevision = prepared.Revision }, commands);
    }

    static LoadStep OnPlanned(LoadLifecycleState state, CarrierPlanOutcome outcome) => outcome == CarrierPlanOutcome.Interrupted
        // A material change stopped the waterfall (its open tender withdrawn): the rebuilt load is planned afresh.
        ? Step(state with { PlanningRevision = null }, new LoadCommand.Restart())
        : Planned(state with { PlannedRevision = state.PlanningRevision, PlanningRevision = null });

    static LoadStep Planned(LoadLifecycleState state) =>
        Step(state with { Phase = LoadPhase.Planned }, new LoadCommand.ApplyOutcome(), new LoadCommand.ShowStatus(LoadPhase.Planned.ToString()), new LoadCommand.WaitForChange());

    static LoadStep Step(LoadLifecycleState state, params LoadCommand[] commands) => new(state, commands);
}
