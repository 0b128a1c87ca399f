using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Time;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Loads;

/// <summary>Where an order stands in consolidation after a join or review.</summary>
/// <remarks><see cref="ReviewIn"/> is the wait until the review as measured by the activity's clock: the orchestration adds it
/// to its own clock, so a shifted app clock (tests, replays) never turns into a timer days away or in the past.</remarks>
public sealed record ConsolidationStep(string? LoadId, string? OpenLoadId, DateTimeOffset? NextReviewAt, string Summary, TimeSpan? ReviewIn = null);

/// <summary>
/// Real-time consolidation on Cosmos documents: each open load (plant + destination group + equipment class) is one
/// document updated under ETag concurrency, so concurrent orders never lose or duplicate a member. A join adds the
/// order and reviews the open load with <see cref="OpenLoadReviewer"/>; trailers that should ship are closed in the
/// same write (parked in <see cref="Load.PendingHandOffs"/>) and then handed off: load document created,
/// members pointed to it, <c>mestms.load.built.v1</c> sent, <see cref="LoadOrchestration"/> started. Every step is
/// idempotent, so a retried activity finishes a hand-off a crash interrupted.
/// </summary>
public sealed class LoadConsolidation(
    ILoadStore loads,
    IShipmentStore shipments,
    IPlannerNotifier notifier,
    CarrierCatalog catalog,
    DockCatalog docks,
    ConsolidationPolicy policy,
    ShipmentPolicy shipmentPolicy,
    TimeProvider clock,
    WorkflowClockSource workflowClock,
    ILogger<LoadConsolidation> logger)
{
    static readonly OrchestrationRuntimeStatus[] AnyStatus = Enum.GetValues<OrchestrationRuntimeStatus>()
        .Where(s => StartOrchestrationOptionsExtensions.ValidDedupeStatuses.Contains(s)).ToArray();

    public static string LoadInstanceId(string loadId) => WorkflowInstanceIds.Load(loadId);

    /// <summary>Joins the order to its open load (first call) or reviews that open load again (later calls).</summary>
    /// <param name="at">When the join is dated (the decision's moment); never before the open load's last change. Null: now.</param>
    public async Task<ConsolidationStep> ConsolidateAsync(OrderKey order, DurableTaskClient durable, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        Shipment shipment = await shipments.GetAsync(order, cancellationToken)
            ?? throw new InvalidOperationException($"Shipment {order} does not exist.");
        if (shipment.LoadId is { } onLoad)
        {
            return new ConsolidationStep(onLoad, null, null, $"on load {onLoad}");
        }

        LoadLine line = LoadLine.For(shipment);
        Equipment equipment = line.Temperature is null ? Equipment.DryVan : Equipment.Reefer;
        string openId = Load.OpenLoadId(order.PlantId, line.DestinationGroup, equipment);
        DateTimeOffset now = at ?? clock.GetUtcNow();

        Load open = await loads.UpdateAsync(openId, current =>
        {
            // Joins handled out of their order never turn the open load's clock back.
            now = current is not null && current.UpdatedAt > now ? current.UpdatedAt : now;
            Load pool = current ?? Load.OpenFor(openId, shipment, line, equipment, now);
            return pool.Join(line, now, trailer => Economics(pool, trailer, now), policy);
        }, cancellationToken);
        await HandOffAsync(open, durable, cancellationToken);

        if (open.Orders.Any(o => o.OrderId == order.OrderId))
        {
            await shipments.UpdateAsync(order, current => current!.WaitInOpenLoad(openId,
                $"In open load {openId} with {open.Orders.Count} order(s), {open.Fill:P0} full; {open.Decisions.LastOrDefault()?.Reason}", now, clock.GetUtcNow()),
                cancellationToken);
            return new ConsolidationStep(null, openId, open.NextReviewAt, open.Decisions.LastOrDefault()?.Reason ?? "waiting", open.NextReviewAt - clock.GetUtcNow());
        }

        Shipment after = await shipments.GetAsync(order, cancellationToken) ?? shipment;
        return after.LoadId is { } loadId
            ? new ConsolidationStep(loadId, null, null, $"on load {loadId}")
            : throw new InvalidOperationException($"Order {order} is neither in open load {openId} nor on a closed load; the join is retried.");
    }

    /// <summary>Takes the order off its open or closed load (quality hold). The closed load's workflow is told to rebuild.</summary>
    public async Task<string> WithdrawAsync(OrderKey order, string reason, DurableTaskClient durable, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        Shipment? shipment = await shipments.GetAsync(order, cancellationToken);
        if (shipment?.OpenLoadId is { } pendingOpen && shipment.LoadId is null && await loads.GetAsync(pendingOpen, cancellationToken) is { } pool)
        {
            // A load closed with this order but not yet handed off: finish that first so the order is withdrawn from the right place.
            await HandOffAsync(pool, durable, cancellationToken);
            shipment = await shipments.GetAsync(order, cancellationToken);
        }

        if (shipment is null || (shipment.LoadId is null && shipment.OpenLoadId is null))
        {
            return "not on a load";
        }

        DateTimeOffset now = at ?? clock.GetUtcNow();
        string from;
        if (shipment.LoadId is { } loadId)
        {
            from = $"load {loadId}";
            await loads.UpdateAsync(loadId, current => current?.Remove(order.OrderId, shipment.ConsolidationRound, reason, now)!, cancellationToken);
        }
        else
        {
            from = $"open load {shipment.OpenLoadId}";
            await loads.UpdateAsync(shipment.OpenLoadId!, current => current?.Remove(order.OrderId, shipment.ConsolidationRound, reason, now)!, cancellationToken);
        }

        await shipments.UpdateAsync(order, current => current!.LeaveLoad(from, reason, ShipmentStatus.OnQualityHold, now, now), cancellationToken);

        if (shipment.LoadId is { } signalled)
        {
            string instanceId = LoadInstanceId(signalled);
            OrchestrationMetadata? instance = await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
            if (instance is { IsCompleted: false })
            {
                await durable.RaiseEventAsync(instanceId, LoadOrchestration.MembershipChangedEvent, order.OrderId, cancellationToken);
            }
        }

        logger.LogInformation("Order {Order}: taken off {From} ({Reason})", order, from, reason);
        return $"removed from {from}";
    }

    LoadEconomics Economics(Load open, BuiltLoad load, DateTimeOffset now) =>
        LoadEconomics.Estimate(catalog.Shopper, catalog.Plants.TryGetValue(open.PlantId, out PlantOptions? plant) ? (plant.PostalCode, plant.Country) : null,
            docks.PickupCalendar(open.PlantId), open.DestinationPostalCode, open.DestinationCountry, load, now, policy);

    async Task HandOffAsync(Load open, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        foreach (Load closed in open.PendingHandOffs)
        {
            await loads.UpdateAsync(closed.Id, current => current ?? closed, cancellationToken);
            Dictionary<string, int> rounds = closed.Orders.ToDictionary(o => o.OrderId, o => o.Round, StringComparer.Ordinal);
            await shipments.UpdateAsync(closed.PlantId, rounds.Keys, (orderId, current) => current.ConsolidationRound != rounds[orderId]
                ? current
                : current.JoinLoad(closed.Id, $"Load {closed.Id}: {closed.Orders.Count} order(s), {closed.Fill:P0} full. {closed.Decisions[^1].Reason}",
                    closed.CreatedAt, clock.GetUtcNow()), cancellationToken);

            await notifier.PublishAsync(PlannerNotification.Create($"{closed.Id}|built", PlannerNotificationTypes.LoadBuilt,
                $"plants/{closed.PlantId}/loads/{closed.Id}", closed.CreatedAt,
                new
                {
                    loadId = closed.Id, plantId = closed.PlantId, closed.DestinationGroup, closed.Equipment,
                    orders = closed.Orders.Select(o => o.OrderId), closed.WeightLb, closed.CubeFt3, closed.FloorPositions, closed.Fill, closed.Stops,
                    reason = closed.Decisions[^1].Reason,
                }), cancellationToken);

            await StartLoadWorkflowAsync(closed, durable, cancellationToken);
            await loads.UpdateAsync(open.Id, current => current!.HandedOff(closed.Id), cancellationToken);
            logger.LogInformation("Load {LoadId}: closed with {Count} order(s), {Fill:P0} full; handed to rate shopping", closed.Id, closed.Orders.Count, closed.Fill);
        }
    }

    async Task StartLoadWorkflowAsync(Load closed, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        string instanceId = LoadInstanceId(closed.Id);
        if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(nameof(LoadOrchestration),
                new LoadWorkflowInput(closed.PlantId, closed.Id, shipmentPolicy, LoadWorkflowProgress.Start) { Clock = workflowClock.Current, ClosedAt = closed.CreatedAt },
                new StartOrchestrationOptions(instanceId).WithDedupeStatuses(AnyStatus), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is null)
            {
                throw;
            }
        }
    }

}
