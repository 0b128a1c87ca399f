using MesTms.Domain;
using MesTms.Domain.Events;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MesTms.Pipeline.Workflows;

/// <summary>The Durable client the consolidation activities use to start load workflows and signal them.</summary>
internal static class ActivityDurableClient
{
    public static DurableTaskClient From(IServiceProvider services, string activity) =>
        services.GetService<DurableTaskClient>() ?? throw new InvalidOperationException(
            $"{activity} needs a Durable client: the local host and tests register one; the Functions app passes its [DurableClient] binding.");
}

/// <summary>Joins a ready order to its open load, or reviews that open load again. Returns the load once it closed.</summary>
public sealed class ConsolidateOrder(LoadConsolidation consolidation, IServiceProvider services) : TaskActivity<OrderKey, ConsolidationStep>
{
    public override Task<ConsolidationStep> RunAsync(TaskActivityContext context, OrderKey input) =>
        consolidation.ConsolidateAsync(input, ActivityDurableClient.From(services, nameof(ConsolidateOrder)));
}

/// <summary>Takes an order off its open or closed load (quality hold); a closed load's workflow rebuilds it.</summary>
public sealed class WithdrawFromLoad(LoadConsolidation consolidation, IServiceProvider services) : TaskActivity<WithdrawFromLoadRequest, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, WithdrawFromLoadRequest input) =>
        consolidation.WithdrawAsync(input.Order, input.Reason, ActivityDurableClient.From(services, nameof(WithdrawFromLoad)));
}

/// <summary>
/// Writes (or refreshes) the load's shipment document from the orders on it: summed weight, cube and handling units,
/// the strictest temperature range, the dangerous goods, the earliest required delivery and the number of stops.
/// </summary>
public sealed class PrepareLoadShipment(ILoadStore loads, IShipmentStore shipments, TimeProvider clock) : TaskActivity<LoadRequest, LoadSnapshot>
{
    public override async Task<LoadSnapshot> RunAsync(TaskActivityContext context, LoadRequest input)
    {
        LoadDocument load = await loads.GetAsync(input.LoadId) ?? throw new InvalidOperationException($"Load {input.LoadId} does not exist.");
        var members = new List<ShipmentDocument>();
        foreach (LoadLine line in load.Orders)
        {
            members.Add(await shipments.GetAsync(new OrderKey(input.PlantId, line.OrderId))
                ?? throw new InvalidOperationException($"Order {line.OrderId} on load {input.LoadId} has no shipment document."));
        }

        if (members.Count == 0)
        {
            return new LoadSnapshot(load.Revision, 0);
        }

        ShipmentDocument urgent = members.OrderBy(m => m.RequiredDeliveryBy).ThenBy(m => m.OrderId, StringComparer.Ordinal).First();
        TemperatureRange? temperature = members.Select(m => m.Temperature).Aggregate((TemperatureRange?)null, (range, t) => t is null ? range
            : range is null ? t : new TemperatureRange(Math.Max(range.MinCelsius, t.MinCelsius), Math.Min(range.MaxCelsius, t.MaxCelsius)));
        var key = new OrderKey(input.PlantId, input.LoadId);
        List<string> memberIds = members.Select(m => m.OrderId).ToList();
        await shipments.UpdateAsync(key, current =>
        {
            if (current is not null && current.PlanRevision == load.Revision && current.MemberOrderIds.SequenceEqual(memberIds))
            {
                return current;
            }

            DateTimeOffset now = clock.GetUtcNow();
            ShipmentDocument basis = current ?? new ShipmentDocument
            {
                Id = key.DocumentId,
                OrderId = input.LoadId,
                PlantId = input.PlantId,
                Status = ShipmentStatus.Consolidated,
                LoadId = input.LoadId,
                Decisions = [new ShipmentDecision("load-built", input.At, ShipmentStatus.Consolidated, "Load built", load.Decisions.LastOrDefault()?.Reason ?? "")],
                CreatedAt = now,
            };
            return basis with
            {
                CompletedAt = members.Max(m => m.CompletedAt),
                RequiredDeliveryBy = urgent.RequiredDeliveryBy,
                Destination = urgent.Destination,
                HandlingUnits = members.SelectMany(m => m.HandlingUnits ?? []).ToList(),
                Hazmat = members.Select(m => m.Hazmat).FirstOrDefault(h => h is not null),
                Temperature = temperature,
                HandlingUnitCount = members.Sum(m => m.HandlingUnitCount),
                TotalWeightLb = members.Sum(m => m.TotalWeightLb),
                TotalCubeFt3 = members.Sum(m => m.TotalCubeFt3),
                MemberOrderIds = memberIds,
                Stops = Math.Max(1, load.Stops.Count),
                PlanRevision = load.Revision,
                ReadyAt = basis.ReadyAt ?? now,
                Decisions = current is null ? basis.Decisions : [.. basis.Decisions, new ShipmentDecision($"members-r{load.Revision}-{memberIds.Count}", input.At,
                    basis.Status, "Load changed", $"Now {memberIds.Count} order(s): {string.Join(", ", memberIds)}; revision {load.Revision}")],
                UpdatedAt = now,
            };
        });
        return new LoadSnapshot(load.Revision, members.Count);
    }
}

/// <summary>The load's current revision and order count, read without changing anything (checked while a tender waits).</summary>
public sealed class ReadLoadSnapshot(ILoadStore loads) : TaskActivity<LoadRequest, LoadSnapshot>
{
    public override async Task<LoadSnapshot> RunAsync(TaskActivityContext context, LoadRequest input)
    {
        LoadDocument load = await loads.GetAsync(input.LoadId) ?? throw new InvalidOperationException($"Load {input.LoadId} does not exist.");
        return new LoadSnapshot(load.Revision, load.Orders.Count);
    }
}

/// <summary>Copies the load shipment's outcome (status, carrier, price, pickup, a late delivery) to the load and to every order on it.</summary>
public sealed class ApplyLoadOutcome(ILoadStore loads, IShipmentStore shipments, TimeProvider clock) : TaskActivity<LoadRequest, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, LoadRequest input)
    {
        ShipmentDocument shipment = await shipments.GetAsync(new OrderKey(input.PlantId, input.LoadId))
            ?? throw new InvalidOperationException($"Load {input.LoadId} has no shipment document.");
        string status = shipment.Status == ShipmentStatus.ReadyToShip ? ShipmentStatus.Consolidated : shipment.Status;
        string summary = shipment.Booking is { } b
            ? $"{b.Scac} ({b.CarrierName}) {b.Mode} {b.Equipment} ${b.Price:0.00}, pickup {b.PickupDay:yyyy-MM-dd}"
            : shipment.Decisions.LastOrDefault()?.Reason ?? status;
        string key = $"outcome-r{shipment.PlanRevision}-{status}-{shipment.Booking?.TenderId}-{shipment.MemberOrderIds.Count}";
        LoadDocument load = await loads.UpdateAsync(input.LoadId, current => current!.Decisions.Any(d => d.Key == key)
            ? current
            : current with
            {
                Status = status,
                Decisions = [.. current.Decisions, new ShipmentDecision(key, input.At, status, $"Load {status}", summary)],
                UpdatedAt = clock.GetUtcNow(),
            });

        foreach (LoadLine line in load.Orders)
        {
            await shipments.UpdateAsync(new OrderKey(input.PlantId, line.OrderId), current => current is null || current.LoadId != input.LoadId
                || (current.Status == status && current.Booking == shipment.Booking && current.DockAppointment == shipment.DockAppointment && current.Late == shipment.Late)
                ? current!
                : current with
                {
                    Status = status,
                    Booking = shipment.Booking,
                    Late = shipment.Late,
                    DockAppointment = shipment.DockAppointment,
                    Decisions = [.. current.Decisions, new ShipmentDecision($"load-{key}", input.At, status, $"Load {input.LoadId} {status}", summary)],
                    UpdatedAt = clock.GetUtcNow(),
                });
        }

        return status;
    }
}

/// <summary>
/// Withdraws the load's current carrier plan before re-planning (material change) or cancelling (empty load): the
/// booking is released, an open or accepted tender is marked withdrawn, and the decision is recorded.
/// </summary>
public sealed class WithdrawLoadPlan(ILoadStore loads, IShipmentStore shipments, DockScheduling docks, ITenderStore tenders, ICarrierGateway gateway, TimeProvider clock)
    : TaskActivity<WithdrawLoadPlanRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, WithdrawLoadPlanRequest input)
    {
        string status = input.Cancel ? ShipmentStatus.Cancelled : ShipmentStatus.Consolidated;
        var key = new OrderKey(input.PlantId, input.LoadId);
        ShipmentDocument? planned = await shipments.GetAsync(key);
        if (planned?.DockAppointment is { } appointment)
        {
            await docks.ReleaseAsync(input.PlantId, input.LoadId, appointment, input.Reason);
        }

        // The carrier holding the booking (or an unanswered tender) is told at once; a late answer is refused.
        var untold = new List<string>();
        foreach (TenderRecord tender in planned?.Tenders.Where(t => t.Outcome is null or TenderOutcomes.Accepted) ?? [])
        {
            await tenders.WithdrawAsync(tender.TenderId, input.Reason, input.At);
            if (await CarrierWithdrawals.TellAsync(gateway, tender.TenderId, tender.Scac, input.At,
                new { tenderId = tender.TenderId, plantId = input.PlantId, loadId = input.LoadId, reason = input.Reason }) is { } notTold)
            {
                untold.Add(notTold);
            }
        }

        await shipments.UpdateAsync(key, current =>
        {
            if (current is null)
            {
                return new ShipmentDocument
                {
                    Id = key.DocumentId, OrderId = input.LoadId, PlantId = input.PlantId, LoadId = input.LoadId, Status = status,
                    Decisions = [new ShipmentDecision($"withdrawn-{status}", input.At, status, "Load cancelled", input.Reason)],
                    CreatedAt = input.At, UpdatedAt = input.At,
                };
            }

            string decisionKey = $"withdrawn-r{current.PlanRevision}-{status}-{current.Booking?.TenderId}";
            if (current.Decisions.Any(d => d.Key == decisionKey))
            {
                return current;
            }

            string what = (current.Booking is { } b ? $"booking with {b.Scac} (tender {b.TenderId}) withdrawn, carrier told" : "no booking to release")
                + string.Concat(untold.Select(u => "; " + u));
            return current with
            {
                Status = status,
                Booking = null,
                Late = null,
                DockAppointment = null,
                Tenders = current.Tenders.Select(t => t.Outcome is null or TenderOutcomes.Accepted ? t with { Outcome = TenderOutcomes.Withdrawn, Reason = input.Reason, AnsweredAt = t.AnsweredAt ?? input.At } : t).ToList(),
                Decisions = [.. current.Decisions, new ShipmentDecision(decisionKey, input.At, status, input.Cancel ? "Load cancelled" : "Carrier plan withdrawn", $"{input.Reason}; {what}")],
                UpdatedAt = clock.GetUtcNow(),
            };
        });

        if (input.Cancel)
        {
            await loads.UpdateAsync(input.LoadId, current => current is null || current.Status == ShipmentStatus.Cancelled
                ? current!
                : current with
                {
                    Status = ShipmentStatus.Cancelled,
                    Decisions = [.. current.Decisions, new ShipmentDecision("cancelled", input.At, ShipmentStatus.Cancelled, "Load cancelled", input.Reason)],
                    UpdatedAt = clock.GetUtcNow(),
                });
        }

        return true;
    }
}
