using MesTms.Domain.Events;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain.Tendering;
using MesTms.Domain;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Telemetry;
using Microsoft.DurableTask;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.Tendering;

/// <summary>Rate-shops the order's shipment (see <see cref="ShipmentRating"/>).</summary>
public sealed class RateShipment(ShipmentRating rating) : TaskActivity<RateShipmentRequest, RateShipmentResult>
{
    public override Task<RateShipmentResult> RunAsync(TaskActivityContext context, RateShipmentRequest input) => rating.RateAsync(input);
}

/// <summary>
/// Rate-shops a shipment and records the whole quote set on the shipment document; with
/// <see cref="RateShipmentRequest.FirstTender"/>, also tenders to the best candidate. Run by <see cref="RateShipment"/>, and
/// by the ready step of an order shipped alone, which rates in the same activity.
/// </summary>
public sealed class ShipmentRating(
    CarrierCatalog catalog, DockCatalog docks, IShipmentStore shipments, ICarrierPerformanceStore performance, ITenderStore tenders, ICarrierGateway gateway,
    IPlannerNotifier notifier, DockScheduling dockScheduling, TimeProvider clock)
{
    public async Task<RateShipmentResult> RateAsync(RateShipmentRequest input)
    {
        RateShopper? shopper = catalog.Shopper;
        if (shopper is null)
        {
            return new RateShipmentResult(true, [], "carrier planning is off (no contract file configured)");
        }

        IReadOnlyDictionary<string, CarrierPerformance> observed = await performance.GetAllAsync();
        Shipment rated = await shipments.UpdateAsync(input.Order, current =>
        {
            Shipment shipment = current ?? throw new InvalidOperationException($"Shipment {input.Order} does not exist.");
            RateShopResult result = !catalog.Plants.TryGetValue(input.Order.PlantId, out PlantOptions? plant) || string.IsNullOrWhiteSpace(plant.PostalCode)
                ? new RateShopResult([], [new ExcludedCarrier("*", null, $"plant {input.Order.PlantId} has no shipping address ({PlantOptions.Section}:{input.Order.PlantId}:PostalCode)")])
                : shopper.Shop(RatingRequest.ForShipment(shipment, plant.PostalCode, plant.Country, input.At), docks.PickupCalendar(input.Order.PlantId), observed)
                    .SetAside(shipment.SetAsideCarriers);
            return shipment.RecordRateShop(input.Revision, result, shopper.Version, result.Describe(shipment.RequiredDeliveryBy!.Value), input.At, clock.GetUtcNow());
        });

        // What is tendered is what was recorded: a retried activity keeps the first rate shop of this revision.
        RateShopResult kept = rated.RateShop!;
        List<TenderCandidate> candidates = kept.TenderPlan.Select(q => new TenderCandidate(q.Scac, q.Mode, q.Equipment, q.Total)).ToList();
        TenderSendResult? sent = null;
        if (input.FirstTender is { } first && candidates.Count > 0)
        {
            try
            {
                TenderDelivery delivery = await SendTender.SendAsync(shipments, tenders, gateway, catalog, clock,
                    new SendTenderRequest(input.Order, first.InstanceId, first.TenderId, 1, candidates[0], input.At, first.RespondBy), answerInline: true);
                sent = delivery.Answer is { } answer
                    ? await AnsweredAsync(input, first, candidates[0], answer)
                    : new TenderSendResult(Undeliverable: delivery.Undeliverable);
            }
            catch (HttpRequestException e)
            {
                // The carrier's API failed: the waterfall sends this tender again with its own attempts.
                sent = new TenderSendResult(Failure: e.Message);
            }
        }

        return new RateShipmentResult(false, candidates, kept.Describe(rated.RequiredDeliveryBy!.Value), Expedited: kept.IsExpedited, FirstSent: sent);
    }

    /// <summary>
    /// The carrier answered the first tender in the call itself: the answer is recorded (the first one counts, so a retried
    /// activity keeps it), and an acceptance books the shipment and its door here, as <see cref="BookShipment"/> would.
    /// </summary>
    async Task<TenderSendResult> AnsweredAsync(RateShipmentRequest input, FirstTenderRequest first, TenderCandidate candidate, TenderResponse answer)
    {
        (TenderDocument? stored, _) = await tenders.RecordResponseAsync(first.TenderId, answer with { Scac = candidate.Scac }, clock.GetUtcNow());
        TenderResponse kept = stored?.Response ?? answer with { Scac = candidate.Scac };
        if (!kept.Accepted || first.BookBecause is not { } why)
        {
            return new TenderSendResult(Answer: kept.ToCarrierAnswer());
        }

        await new BookShipment(shipments, notifier, performance, catalog, dockScheduling, clock)
            .BookAsync(new BookShipmentRequest(input.Order, first.TenderId, kept, input.At, why));
        return new TenderSendResult(Answer: kept.ToCarrierAnswer(), Booked: true);
    }
}

/// <summary>Sends one tender of the waterfall through the carrier gateway and records it. Returns why it could not be delivered, or null.</summary>
public sealed class SendTender(IShipmentStore shipments, ITenderStore tenders, ICarrierGateway gateway, CarrierCatalog catalog, TimeProvider clock)
    : TaskActivity<SendTenderRequest, string?>
{
    public override async Task<string?> RunAsync(TaskActivityContext context, SendTenderRequest input) =>
        (await SendAsync(shipments, tenders, gateway, catalog, clock, input, answerInline: false)).Undeliverable;

    /// <summary>
    /// Records the tender on the shipment and in the tender store, then sends it (also the first tender, from rating). With
    /// <paramref name="answerInline"/> a carrier may answer in the same call; otherwise its answer comes through the tender
    /// answers API, which is what the waterfall waits for.
    /// </summary>
    public static async Task<TenderDelivery> SendAsync(IShipmentStore shipments, ITenderStore tenders, ICarrierGateway gateway, CarrierCatalog catalog, TimeProvider clock,
        SendTenderRequest input, bool answerInline)
    {
        string catalogOrigin = catalog.Plants.TryGetValue(input.Order.PlantId, out PlantOptions? plant) ? plant.PostalCode : "";
        LoadTender? tender = null;
        await shipments.UpdateAsync(input.Order, current =>
        {
            Shipment shipment = current ?? throw new InvalidOperationException($"Shipment {input.Order} does not exist.");
            CarrierQuote quote = shipment.RateShop?.Find(input.Candidate.Scac, input.Candidate.Mode)
                ?? throw new InvalidOperationException($"Shipment {input.Order} has no quote from {input.Candidate.Scac} {input.Candidate.Mode}.");
            tender = new LoadTender(input.TenderId, quote.Scac, "original", shipment.Id, input.Order.PlantId, input.Order.OrderId, quote.Mode, quote.Equipment,
                catalogOrigin, shipment.Destination!.LocationId, shipment.Destination.PostalCode, shipment.Destination.Country,
                quote.PickupDay, shipment.RequiredDeliveryBy!.Value, shipment.TotalWeightLb, shipment.TotalCubeFt3, shipment.HandlingUnitCount,
                shipment.Hazmat, shipment.Temperature, quote.Total, "USD", input.RespondBy, input.At);
            return shipment.RecordTender(new TenderRecord(input.TenderId, quote.Scac, quote.Mode, quote.Equipment, quote.Total, input.At, input.RespondBy),
                input.Attempt, quote.CarrierName, clock.GetUtcNow());
        });

        await tenders.CreateAsync(new TenderDocument
        {
            Id = input.TenderId,
            InstanceId = input.InstanceId,
            PlantId = input.Order.PlantId,
            OrderId = input.Order.OrderId,
            Scac = tender!.Scac,
            Tender = tender,
            SentAt = input.At,
        });

        return answerInline ? await gateway.DeliverAsync(tender!) : new TenderDelivery(await gateway.SendAsync(tender!));
    }
}

/// <summary>
/// Withdraws a tender still waiting for the carrier's answer because the order went on quality hold while it was being
/// tendered: the tender is marked withdrawn (a later answer is refused), the carrier is told, and the shipment records it.
/// </summary>
public sealed class WithdrawOpenTender(IShipmentStore shipments, ITenderStore tenders, ICarrierGateway gateway, IPlannerNotifier notifier, TimeProvider clock)
    : TaskActivity<TenderOutcomeRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TenderOutcomeRequest input)
    {
        TenderDocument? tender = await tenders.WithdrawAsync(input.TenderId, input.Reason, input.At);
        if (tender is null)
        {
            return false;
        }

        string? untold = await CarrierWithdrawals.TellAsync(gateway, input.TenderId, input.Scac, input.At,
            new { tenderId = input.TenderId, plantId = input.Order.PlantId, orderId = input.Order.OrderId, reason = input.Reason });
        string reason = TenderWaterfall.WithdrawnWhileWaiting(input.Reason, input.TenderId, input.Scac) +
            (tender.Response is { } late ? $" (the carrier's '{late.Decision}' crossed the withdrawal)" : "") +
            (untold is null ? "" : $"; {untold}");
        Shipment after = await shipments.UpdateAsync(input.Order, current => current!.WithdrawOpenTender(input.TenderId, input.Reason, reason, input.At, clock.GetUtcNow()));
        await TenderNotices.WithdrawnAsync(notifier, input.Order, after.IsLoad, input.TenderId, input.Scac, input.Reason, untold, input.At);
        return true;
    }
}

/// <summary>Records a tender that was declined, not answered in time, or could not be delivered.</summary>
public sealed class RecordTenderOutcome(IShipmentStore shipments, ICarrierPerformanceStore performance, CarrierCatalog catalog, TimeProvider clock)
    : TaskActivity<TenderOutcomeRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TenderOutcomeRequest input)
    {
        await shipments.UpdateAsync(input.Order, current =>
            current!.RecordTenderOutcome(input.TenderId, input.Scac, input.Outcome, input.Reason, input.At, clock.GetUtcNow()));

        // A decline or a missed deadline counts against the carrier's tender acceptance, once per tender: the store dedupes
        // by tender id, so a retried activity (or one whose first run wrote the shipment and then failed) counts it once.
        if (TenderOutcomes.IsRefusal(input.Outcome) && catalog.Contract(input.Scac)?.Performance is { } initial)
        {
            await performance.ObserveAsync(input.Scac, initial, $"{input.TenderId}|refused", deliveredOnTime: null, tenderAccepted: false);
        }

        return true;
    }
}

/// <summary>Books the carrier that accepted and tells planners (<c>mestms.shipment.booked.v1</c>).</summary>
public sealed class BookShipment(
    IShipmentStore shipments, IPlannerNotifier notifier, ICarrierPerformanceStore performance, CarrierCatalog catalog, DockScheduling docks, TimeProvider clock)
    : TaskActivity<BookShipmentRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, BookShipmentRequest input)
    {
        await BookAsync(input);
        return true;
    }

    /// <summary>Books the accepted tender, tells planners, counts the acceptance and (when asked) reserves the door. Idempotent.</summary>
    public async Task BookAsync(BookShipmentRequest input)
    {
        Shipment booked = await shipments.UpdateAsync(input.Order, current =>
            current!.Book(input.TenderId, input.Response.PickupConfirmation, input.At, clock.GetUtcNow()));

        Booking b = booked.Booking!;
        if (booked.Late is { } lateDelivery)
        {
            await notifier.PublishAsync(PlannerNotification.Create($"{input.Order.PlantId}|{input.Order.OrderId}|late|{b.TenderId}", PlannerNotificationTypes.ShipmentLate,
                $"plants/{input.Order.PlantId}/orders/{input.Order.OrderId}", input.At,
                new
                {
                    plantId = input.Order.PlantId, orderId = input.Order.OrderId, b.Scac, b.CarrierName, b.Price, b.Currency, b.TenderId,
                    lateDelivery.RequiredDeliveryBy, lateDelivery.ExpectedDelivery, lateByHours = Math.Round(lateDelivery.LateBy.TotalHours, 1),
                    lateDelivery.PremiumCost, lateDelivery.Reason,
                }));
        }

        if (b.TenderId == input.TenderId && catalog.Contract(b.Scac)?.Performance is { } initial)
        {
            await performance.ObserveAsync(b.Scac, initial, $"{b.TenderId}|accepted", deliveredOnTime: null, tenderAccepted: true);
        }

        await notifier.PublishAsync(PlannerNotification.Create($"{input.Order.PlantId}|{input.Order.OrderId}|booked|{b.TenderId}", PlannerNotificationTypes.ShipmentBooked,
            $"plants/{input.Order.PlantId}/orders/{input.Order.OrderId}", input.At,
            new { plantId = input.Order.PlantId, orderId = input.Order.OrderId, b.Scac, b.CarrierName, b.Mode, b.Equipment, b.Price, b.Currency, b.TenderId, b.PickupDay, b.EstimatedDelivery, b.PickupConfirmation }));

        if (b.TenderId == input.TenderId && b.BookedAt == input.At)
        {
            MesTmsTelemetry.RecordBooked(booked.AcceptedAt, b.RecordedAt ?? b.BookedAt);
        }

        // The door right away, from the booked version (no second activity, no re-read).
        if (input.ReserveDoorBecause is { } why)
        {
            await BookedDoor.ReserveAsync(shipments, docks, clock, booked, why, input.At);
        }
    }
}

/// <summary>Marks the waterfall exhausted and escalates to planners (<c>mestms.tender.exhausted.v1</c>).</summary>
public sealed class ReportTenderExhausted(IShipmentStore shipments, IPlannerNotifier notifier, TimeProvider clock) : TaskActivity<TenderExhaustedRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TenderExhaustedRequest input)
    {
        await shipments.UpdateAsync(input.Order, current => current!.Exhaust(input.Revision, input.Reason, input.At, clock.GetUtcNow()));
        await notifier.PublishAsync(PlannerNotification.Create($"{input.Order.PlantId}|{input.Order.OrderId}|exhausted|r{input.Revision}", PlannerNotificationTypes.TenderExhausted,
            $"plants/{input.Order.PlantId}/orders/{input.Order.OrderId}", input.At,
            new { plantId = input.Order.PlantId, orderId = input.Order.OrderId, tendered = input.Tendered, reason = input.Reason }));
        return true;
    }
}

