using MesTms.Domain.Events;
using MesTms.Domain.Loads;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace MesTms.Pipeline.Loads;

/// <summary>The Durable client the consolidation activities use to start load workflows and signal them.</summary>
internal static class ActivityDurableClient
{
    public static DurableTaskClient From(IServiceProvider services, string activity) =>
        services.GetService<DurableTaskClient>() ?? throw new InvalidOperationException(
            $"{activity} needs a Durable client: the local host and tests register one; the Functions app passes its [DurableClient] binding.");
}

/// <summary>Joins a ready order to its open load, or reviews that open load again. Returns the load once it closed.</summary>
public sealed class ConsolidateOrder(LoadConsolidation consolidation, IServiceProvider services) : TaskActivity<ConsolidationRequest, ConsolidationStep>
{
    public override Task<ConsolidationStep> RunAsync(TaskActivityContext context, ConsolidationRequest input) =>
        consolidation.ConsolidateAsync(new OrderKey(input.PlantId, input.OrderId), ActivityDurableClient.From(services, nameof(ConsolidateOrder)), input.At);
}

/// <summary>Takes an order off its open or closed load (quality hold); a closed load's workflow rebuilds it.</summary>
public sealed class WithdrawFromLoad(LoadConsolidation consolidation, IServiceProvider services) : TaskActivity<WithdrawFromLoadRequest, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, WithdrawFromLoadRequest input) =>
        consolidation.WithdrawAsync(input.Order, input.Reason, ActivityDurableClient.From(services, nameof(WithdrawFromLoad)), input.At);
}

/// <summary>
/// Writes (or refreshes) the load's shipment document from the orders on it: summed weight, cube and handling units,
/// the strictest temperature range, the dangerous goods, the earliest required delivery and the number of stops.
/// </summary>
public sealed class PrepareLoadShipment(ILoadStore loads, IShipmentStore shipments, TimeProvider clock) : TaskActivity<LoadRequest, LoadSnapshot>
{
    public override async Task<LoadSnapshot> RunAsync(TaskActivityContext context, LoadRequest input)
    {
        Load load = await loads.GetAsync(input.LoadId) ?? throw new InvalidOperationException($"Load {input.LoadId} does not exist.");
        var members = new List<Shipment>();
        foreach (LoadLine line in load.Orders)
        {
            members.Add(await shipments.GetAsync(new OrderKey(input.PlantId, line.OrderId))
                ?? throw new InvalidOperationException($"Order {line.OrderId} on load {input.LoadId} has no shipment document."));
        }

        if (members.Count == 0)
        {
            return new LoadSnapshot(load.Revision, 0, load.Decisions.LastOrDefault()?.At);
        }

        var key = new OrderKey(input.PlantId, input.LoadId);
        await shipments.UpdateAsync(key, current =>
        {
            DateTimeOffset now = clock.GetUtcNow();
            Shipment basis = current ?? Shipment.ForLoad(input.PlantId, input.LoadId, ShipmentStatus.Consolidated, "load-built", "Load built",
                load.Decisions.LastOrDefault()?.Reason ?? "", input.At, now);
            return basis.WithMembers(members, load.Revision, load.Stops.Count, isNew: current is null, input.At, now);
        });
        return new LoadSnapshot(load.Revision, members.Count, load.Decisions.LastOrDefault()?.At);
    }
}

/// <summary>The load's current revision and order count, read without changing anything (checked while a tender waits).</summary>
public sealed class ReadLoadSnapshot(ILoadStore loads) : TaskActivity<LoadRequest, LoadSnapshot>
{
    public override async Task<LoadSnapshot> RunAsync(TaskActivityContext context, LoadRequest input)
    {
        Load load = await loads.GetAsync(input.LoadId) ?? throw new InvalidOperationException($"Load {input.LoadId} does not exist.");
        return new LoadSnapshot(load.Revision, load.Orders.Count);
    }
}

/// <summary>Copies the load shipment's outcome (status, carrier, price, pickup, a late delivery) to the load and to every order on it.</summary>
public sealed class ApplyLoadOutcome(ILoadStore loads, IShipmentStore shipments, TimeProvider clock) : TaskActivity<LoadRequest, ShipmentStatus>
{
    public override async Task<ShipmentStatus> RunAsync(TaskActivityContext context, LoadRequest input)
    {
        Shipment shipment = await shipments.GetAsync(new OrderKey(input.PlantId, input.LoadId))
            ?? throw new InvalidOperationException($"Load {input.LoadId} has no shipment document.");
        (ShipmentStatus status, string key, string summary) = shipment.LoadOutcome();
        Load load = await loads.UpdateAsync(input.LoadId, current => current!.RecordOutcome(status, key, summary, input.At, clock.GetUtcNow()));

        await shipments.UpdateAsync(input.PlantId, load.Orders.Select(o => o.OrderId), (_, current) => current.FollowLoad(shipment, status, key, summary, input.At, clock.GetUtcNow()));

        return status;
    }
}

/// <summary>
/// Withdraws the load's current carrier plan before re-planning (material change) or cancelling (empty load): the
/// booking is released, an open or accepted tender is marked withdrawn, and the decision is recorded.
/// </summary>
public sealed class WithdrawLoadPlan(ILoadStore loads, IShipmentStore shipments, DockScheduling docks, ITenderStore tenders, ICarrierGateway gateway,
    IPlannerNotifier notifier, TimeProvider clock)
    : TaskActivity<WithdrawLoadPlanRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, WithdrawLoadPlanRequest input)
    {
        ShipmentStatus status = input.Cancel ? ShipmentStatus.Cancelled : ShipmentStatus.Consolidated;
        var key = new OrderKey(input.PlantId, input.LoadId);
        Shipment? planned = await shipments.GetAsync(key);
        if (planned?.DockAppointment is { } appointment)
        {
            await docks.ReleaseAsync(input.PlantId, input.LoadId, appointment, input.Reason);
        }

        // The carrier holding the booking (or an unanswered tender) is told at once; a late answer is refused.
        var untold = new List<string>();
        foreach (TenderRecord tender in planned?.Tenders.Where(t => t.Outcome is null or TenderOutcomes.Accepted) ?? [])
        {
            await tenders.WithdrawAsync(tender.TenderId, input.Reason, input.At);
            string? notTold = await CarrierWithdrawals.TellAsync(gateway, tender.TenderId, tender.Scac, input.At,
                new { tenderId = tender.TenderId, plantId = input.PlantId, loadId = input.LoadId, reason = input.Reason });
            if (notTold is not null)
            {
                untold.Add(notTold);
            }

            await TenderNotices.WithdrawnAsync(notifier, key, true, tender.TenderId, tender.Scac, input.Reason, notTold, input.At);
        }

        await shipments.UpdateAsync(key, current =>
        {
            if (current is null)
            {
                return Shipment.ForLoad(input.PlantId, input.LoadId, status, $"withdrawn-{status}", "Load cancelled", input.Reason, input.At, input.At);
            }

            string what = current.BookingWithdrawal
                + string.Concat(untold.Select(u => "; " + u));
            return current.WithdrawLoadPlan(input.Cancel, input.Reason, what, input.At, clock.GetUtcNow());
        });

        if (input.Cancel)
        {
            await loads.UpdateAsync(input.LoadId, current => current?.Cancel(input.Reason, input.At, clock.GetUtcNow())!);
        }

        return true;
    }
}
