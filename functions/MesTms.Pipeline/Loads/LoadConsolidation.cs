using MesTms.Domain;
using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
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
/// same write (parked in <see cref="LoadDocument.PendingHandOffs"/>) and then handed off: load document created,
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
    ILogger<LoadConsolidation> logger)
{
    static readonly OrchestrationRuntimeStatus[] AnyStatus = Enum.GetValues<OrchestrationRuntimeStatus>()
        .Where(s => StartOrchestrationOptionsExtensions.ValidDedupeStatuses.Contains(s)).ToArray();

    public static string LoadInstanceId(string loadId) => $"load|{loadId}";

    /// <summary>Joins the order to its open load (first call) or reviews that open load again (later calls).</summary>
    public async Task<ConsolidationStep> ConsolidateAsync(OrderKey order, DurableTaskClient durable, CancellationToken cancellationToken = default)
    {
        ShipmentDocument shipment = await shipments.GetAsync(order, cancellationToken)
            ?? throw new InvalidOperationException($"Shipment {order} does not exist.");
        if (shipment.LoadId is { } onLoad)
        {
            return new ConsolidationStep(onLoad, null, null, $"on load {onLoad}");
        }

        LoadLine line = LineFor(shipment);
        Equipment equipment = line.Temperature is null ? Equipment.DryVan : Equipment.Reefer;
        string openId = LoadDocument.OpenLoadId(order.PlantId, line.DestinationGroup, equipment);
        DateTimeOffset now = clock.GetUtcNow();

        LoadDocument open = await loads.UpdateAsync(openId, current => Review(current, openId, order, line, shipment, equipment, now), cancellationToken);
        await HandOffAsync(open, durable, cancellationToken);

        if (open.Orders.Any(o => o.OrderId == order.OrderId))
        {
            await shipments.UpdateAsync(order, current => current!.OpenLoadId == openId && current.Status == ShipmentStatus.Consolidating
                ? current
                : current with
                {
                    Status = ShipmentStatus.Consolidating,
                    OpenLoadId = openId,
                    Decisions = [.. current.Decisions, new ShipmentDecision($"consolidating-{current.ConsolidationRound}", now, ShipmentStatus.Consolidating,
                        "Waiting for a fuller truck", $"In open load {openId} with {open.Orders.Count} order(s), {open.Fill:P0} full; " +
                        $"{open.Decisions.LastOrDefault()?.Reason}")],
                    UpdatedAt = clock.GetUtcNow(),
                }, cancellationToken);
            return new ConsolidationStep(null, openId, open.NextReviewAt, open.Decisions.LastOrDefault()?.Reason ?? "waiting", open.NextReviewAt - clock.GetUtcNow());
        }

        ShipmentDocument after = await shipments.GetAsync(order, cancellationToken) ?? shipment;
        return after.LoadId is { } loadId
            ? new ConsolidationStep(loadId, null, null, $"on load {loadId}")
            : throw new InvalidOperationException($"Order {order} is neither in open load {openId} nor on a closed load; the join is retried.");
    }

    /// <summary>Takes the order off its open or closed load (quality hold). The closed load's workflow is told to rebuild.</summary>
    public async Task<string> WithdrawAsync(OrderKey order, string reason, DurableTaskClient durable, CancellationToken cancellationToken = default)
    {
        ShipmentDocument? shipment = await shipments.GetAsync(order, cancellationToken);
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

        DateTimeOffset now = clock.GetUtcNow();
        string from;
        if (shipment.LoadId is { } loadId)
        {
            from = $"load {loadId}";
            await loads.UpdateAsync(loadId, current =>
            {
                if (current is null || current.Orders.All(o => o.OrderId != order.OrderId))
                {
                    return current!;
                }

                LoadDocument after = (current with { Orders = current.Orders.Where(o => o.OrderId != order.OrderId).ToList() }).WithTotals();
                (bool isMaterial, string why) = LoadChange.Assess(after.Orders.Count, current.Stops, after.Stops,
                    (current.WeightFill, current.CubeFill, current.FloorFill), (after.WeightFill, after.CubeFill, after.FloorFill));
                return after with
                {
                    Revision = isMaterial ? current.Revision + 1 : current.Revision,
                    Removed = [.. current.Removed, new RemovedOrder(order.OrderId, now, reason)],
                    Decisions = [.. current.Decisions, new ShipmentDecision($"removed-{order.OrderId}-{shipment.ConsolidationRound}", now, current.Status,
                        "Order taken off the load", $"{order.OrderId}: {reason}. Now {after.Orders.Count} order(s), {after.Fill:P0} full; " +
                        (isMaterial ? $"material change ({why}): the carrier is re-planned" : why))],
                    UpdatedAt = now,
                };
            }, cancellationToken);
        }
        else
        {
            from = $"open load {shipment.OpenLoadId}";
            await loads.UpdateAsync(shipment.OpenLoadId!, current =>
            {
                if (current is null || current.Orders.All(o => o.OrderId != order.OrderId))
                {
                    return current!;
                }

                return (current with
                {
                    Orders = current.Orders.Where(o => o.OrderId != order.OrderId).ToList(),
                    Decisions = Trim([.. current.Decisions, new ShipmentDecision($"removed-{order.OrderId}-{shipment.ConsolidationRound}", now, current.Status,
                        "Order taken off the open load", $"{order.OrderId}: {reason}")]),
                    UpdatedAt = now,
                }).WithTotals();
            }, cancellationToken);
        }

        await shipments.UpdateAsync(order, current => current!.LoadId is null && current.OpenLoadId is null
            ? current
            : current with
            {
                LoadId = null,
                OpenLoadId = null,
                Booking = null,
                Late = null,
                DockAppointment = null,
                ConsolidationRound = current.ConsolidationRound + 1,
                Decisions = [.. current.Decisions, new ShipmentDecision($"left-load-{current.ConsolidationRound}", now, current.Status,
                    "Taken off its load", $"Removed from {from}: {reason}; it re-joins consolidation when released")],
                UpdatedAt = now,
            }, cancellationToken);

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

    LoadDocument Review(LoadDocument? current, string openId, OrderKey order, LoadLine line, ShipmentDocument shipment, Equipment equipment, DateTimeOffset now)
    {
        LoadDocument open = current ?? new LoadDocument
        {
            Id = openId,
            Kind = LoadDocument.OpenKind,
            PlantId = order.PlantId,
            DestinationGroup = line.DestinationGroup,
            DestinationPostalCode = shipment.Destination!.PostalCode,
            DestinationCountry = shipment.Destination.Country,
            Equipment = equipment,
            Status = "Open",
            CreatedAt = now,
        };

        bool known = open.Orders.Any(o => o.OrderId == order.OrderId)
            || open.PendingHandOffs.Any(p => p.Orders.Any(o => o.MemberKey == line.MemberKey))
            || open.ClosedMembers.Contains(line.MemberKey);
        List<LoadLine> lines = [.. open.Orders];
        if (!known)
        {
            lines.Add(line);
        }

        if (lines.Count == 0)
        {
            return open;
        }

        DateTimeOffset openedAt = open.Orders.Count == 0 || open.OpenedAt is null ? now : open.OpenedAt.Value;
        OpenLoadReview review = OpenLoadReviewer.Review(lines.Select(l => l.ToLoadable()).ToList(), openedAt, now, load => Economics(open, load, now), policy);

        var pending = new List<LoadDocument>(open.PendingHandOffs);
        var closedMembers = new List<string>(open.ClosedMembers);
        int number = open.NextLoadNumber;
        var remaining = new HashSet<string>(lines.Select(l => l.OrderId), StringComparer.Ordinal);
        var decisions = new List<ShipmentDecision>(open.Decisions);
        foreach (ReviewedLoad shipNow in review.Ship)
        {
            string loadId = $"L-{open.PlantId}-{open.DestinationGroup}-{(open.Equipment == Equipment.Reefer ? 'R' : 'D')}{number:D5}";
            number++;
            List<LoadLine> members = lines.Where(l => shipNow.Load.Orders.Any(o => o.OrderId == l.OrderId)).ToList();
            remaining.ExceptWith(members.Select(m => m.OrderId));
            closedMembers.AddRange(members.Select(m => m.MemberKey));
            string numbers = Numbers(shipNow, review.ExpectedFillPerHour);
            var closed = new LoadDocument
            {
                Id = loadId,
                Kind = LoadDocument.LoadKind,
                PlantId = open.PlantId,
                DestinationGroup = open.DestinationGroup,
                DestinationPostalCode = open.DestinationPostalCode,
                DestinationCountry = open.DestinationCountry,
                Equipment = shipNow.Load.Equipment,
                Status = ShipmentStatus.Consolidated,
                Orders = members,
                Decisions =
                [
                    .. open.Decisions.Where(d => members.Any(m => d.Key.EndsWith($"|{m.OrderId}", StringComparison.Ordinal))),
                    new ShipmentDecision("ship", now, ShipmentStatus.Consolidated, "Load closed: ship", $"{shipNow.Decision.Reason}. {numbers}"),
                ],
                CreatedAt = now,
                UpdatedAt = now,
            }.WithTotals();
            pending.Add(closed);
        }

        string? waitReason = null;
        if (review.Wait.Count > 0)
        {
            ReviewedLoad first = review.Wait[0];
            waitReason = $"{first.Decision.Reason}. {Numbers(first, review.ExpectedFillPerHour)}";
            if (!known)
            {
                decisions.Add(new ShipmentDecision($"wait|{line.OrderId}", now, "Open", "Wait for a fuller truck", $"{line.OrderId} joined: {waitReason}"));
            }
        }

        List<LoadLine> stay = lines.Where(l => remaining.Contains(l.OrderId)).ToList();
        if (known && pending.Count == open.PendingHandOffs.Count && stay.Count == open.Orders.Count)
        {
            // A review that changes nothing but the next review time still records that time (for the planner API).
            return open.NextReviewAt == review.NextReviewAt ? open : open with { NextReviewAt = review.NextReviewAt, UpdatedAt = now };
        }

        return (open with
        {
            Orders = stay,
            OpenedAt = stay.Count == 0 ? null : openedAt,
            NextLoadNumber = number,
            PendingHandOffs = pending,
            ClosedMembers = closedMembers.Count > LoadDocument.HistoryLimit ? closedMembers[^LoadDocument.HistoryLimit..] : closedMembers,
            NextReviewAt = review.NextReviewAt,
            Decisions = Trim(stay.Count == 0 ? [] : decisions.Where(d => stay.Any(s => d.Key.EndsWith($"|{s.OrderId}", StringComparison.Ordinal)) || !d.Key.Contains('|')).ToList()),
            UpdatedAt = now,
        }).WithTotals();
    }

    string Numbers(ReviewedLoad r, decimal perHour) =>
        $"Fill {r.Fill:P1} of the binding dimension (target {policy.TargetFill:P0}), {r.Load.Orders.Count} order(s), {r.Load.Stops.Count} stop(s), " +
        $"{r.Load.WeightLb:0} lb, {r.Load.CubeFt3:0} ft³, {r.Load.FloorPositions} floor positions; ship-by cut-off {r.Decision.ShipByCutoff:u}; " +
        $"holding ${r.Decision.HoldingCostPerHour:0.00}/h vs expected saving ${r.Decision.ExpectedSavingPerHour:0.00}/h " +
        $"(freight arriving at {perHour:P0} of a trailer per hour; truckload ${r.Economics.TruckloadCost:0.00}, transit {r.Economics.TransitTime.TotalHours:0.#} h, {r.Economics.Basis})";

    static List<ShipmentDecision> Trim(List<ShipmentDecision> decisions) => decisions.Count > 200 ? decisions[^200..] : decisions;

    LoadEconomics Economics(LoadDocument open, BuiltLoad load, DateTimeOffset now)
    {
        if (catalog.Shopper is { } shopper && catalog.Plants.TryGetValue(open.PlantId, out PlantOptions? plant) && !string.IsNullOrWhiteSpace(plant.PostalCode)
            && open.DestinationPostalCode is { } postal)
        {
            string? hazard = load.Orders.Select(o => o.HazardClass).FirstOrDefault(h => h is not null);
            var request = new RatingRequest(plant.PostalCode, plant.Country, postal, open.DestinationCountry ?? "US", load.WeightLb, load.CubeFt3, load.FloorPositions,
                hazard is null ? null : new Hazmat("consolidated", hazard, null), load.Temperature, now, load.ShipBy, load.Stops.Count);
            CarrierQuote? truckload = shopper.Shop(request, docks.PickupCalendar(open.PlantId)).Candidates
                .Where(q => q.Mode == ServiceMode.Ftl).OrderBy(q => q.Total).FirstOrDefault();
            if (truckload is not null)
            {
                return new LoadEconomics(truckload.EstimatedDelivery - now, truckload.Total, $"cheapest contract truckload {truckload.Scac}");
            }
        }

        return new LoadEconomics(policy.TransitTimeEstimate, policy.TruckloadCostEstimate, "configured estimate (no contract truckload quote)");
    }

    async Task HandOffAsync(LoadDocument open, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        foreach (LoadDocument closed in open.PendingHandOffs)
        {
            await loads.UpdateAsync(closed.Id, current => current ?? closed, cancellationToken);
            foreach (LoadLine member in closed.Orders)
            {
                await shipments.UpdateAsync(new OrderKey(closed.PlantId, member.OrderId), current => current is null || current.LoadId == closed.Id || current.ConsolidationRound != member.Round
                    ? current!
                    : current with
                    {
                        LoadId = closed.Id,
                        OpenLoadId = null,
                        Status = ShipmentStatus.Consolidated,
                        Decisions = [.. current.Decisions, new ShipmentDecision($"load-{closed.Id}", closed.CreatedAt, ShipmentStatus.Consolidated,
                            "Consolidated onto a load", $"Load {closed.Id}: {closed.Orders.Count} order(s), {closed.Fill:P0} full. {closed.Decisions[^1].Reason}")],
                        UpdatedAt = clock.GetUtcNow(),
                    }, cancellationToken);
            }

            await notifier.PublishAsync(PlannerNotification.Create($"{closed.Id}|built", PlannerNotificationTypes.LoadBuilt,
                $"plants/{closed.PlantId}/loads/{closed.Id}", closed.CreatedAt,
                new
                {
                    loadId = closed.Id, plantId = closed.PlantId, closed.DestinationGroup, closed.Equipment,
                    orders = closed.Orders.Select(o => o.OrderId), closed.WeightLb, closed.CubeFt3, closed.FloorPositions, closed.Fill, closed.Stops,
                    reason = closed.Decisions[^1].Reason,
                }), cancellationToken);

            await StartLoadWorkflowAsync(closed, durable, cancellationToken);
            await loads.UpdateAsync(open.Id, current => current!.PendingHandOffs.All(p => p.Id != closed.Id)
                ? current
                : current with { PendingHandOffs = current.PendingHandOffs.Where(p => p.Id != closed.Id).ToList() }, cancellationToken);
            logger.LogInformation("Load {LoadId}: closed with {Count} order(s), {Fill:P0} full; handed to rate shopping", closed.Id, closed.Orders.Count, closed.Fill);
        }
    }

    async Task StartLoadWorkflowAsync(LoadDocument closed, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        string instanceId = LoadInstanceId(closed.Id);
        if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(nameof(LoadOrchestration),
                new LoadWorkflowInput(closed.PlantId, closed.Id, shipmentPolicy, LoadWorkflowProgress.Start),
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

    static LoadLine LineFor(ShipmentDocument shipment)
    {
        IReadOnlyList<HandlingUnit> units = shipment.HandlingUnits ?? [];
        return new LoadLine(shipment.OrderId, shipment.ConsolidationRound, shipment.Destination!.LocationId, DestinationGroups.For(shipment.Destination),
            shipment.TotalWeightLb, shipment.TotalCubeFt3, units.Where(u => u.Stackable).Sum(u => u.Count), units.Where(u => !u.Stackable).Sum(u => u.Count),
            shipment.Hazmat?.HazardClass, shipment.Temperature, shipment.RequiredDeliveryBy!.Value, shipment.ReadyAt ?? shipment.UpdatedAt);
    }
}
