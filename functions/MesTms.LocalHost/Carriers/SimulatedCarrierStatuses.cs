using MesTms.Domain.Docks;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.CarrierStatuses;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MesTms.LocalHost.Carriers;

/// <summary>
/// The statuses a simulated carrier reports once its tender is booked (<see cref="SimulatedStatusOptions"/>): arrival at the
/// door, departure after loading, arrival at delivery and delivery, each dated at its planned moment (late for a late
/// truck, drawn from the seed and the tender id) and sent when that moment comes on the app's clock (never ahead of it) —
/// through the JSON status route's service, or as X12 214s by a simulated EDI carrier.
/// </summary>
public sealed class SimulatedCarrierStatuses(IServiceProvider services, SimulatedCarrierOptions simulation, TimeProvider clock, ILogger<SimulatedCarrierStatuses> logger)
{
    /// <summary>No single wait of the simulation is longer than this, however far ahead the moment is.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(10);

    /// <param name="edi">How an EDI carrier sends a status (a 214 in its drop folder); null: through the status service.</param>
    public void Follow(string tenderId, string scac, Func<CarrierStatusReport, Task>? edi)
    {
        if (!simulation.Statuses.Enabled)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ReportAsync(tenderId, scac, edi);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Simulated carrier {Scac} stopped reporting tender {TenderId}", scac, tenderId);
            }
        });
    }

    async Task ReportAsync(string tenderId, string scac, Func<CarrierStatusReport, Task>? edi)
    {
        Shipment? booked = await WaitForBookingAsync(tenderId);
        if (booked is not { Booking: { } booking, DockAppointment: { } door })
        {
            return; // declined, withdrawn or never given a door: nothing to drive to
        }

        CarrierStatusReport[] plan = Plan(simulation, tenderId, scac, booking, door, booked.Destination?.LocationId);
        foreach (CarrierStatusReport report in plan)
        {
            // Sent when its moment comes on the app's clock (faster with LocalHost:ClockSpeed), never before it.
            for (DateTimeOffset now = clock.GetUtcNow(); now < report.At; now = clock.GetUtcNow())
            {
                TimeSpan wait = report.At - now;
                await Task.Delay(wait < LongestWait ? wait : LongestWait, clock);
            }

            await SendAsync(tenderId, scac, report, edi);
        }
    }

    /// <summary>
    /// What the simulated carrier of <paramref name="tenderId"/> will report for its booked truck and door: arrival (late by
    /// <see cref="SimulatedStatusOptions.LateMinutes"/> for a late truck, drawn from the seed and the tender id, else within
    /// -5..+10 min of the door), departure after loading, arrival at delivery and delivery. The local host's carriers send
    /// these, and <c>simulate --live</c>'s replay meets the same trucks.
    /// </summary>
    public static CarrierStatusReport[] Plan(SimulatedCarrierOptions simulation, string tenderId, string scac, Booking booking, DockAppointment door, string? destination)
    {
        simulation.Carriers.TryGetValue(scac, out SimulatedCarrier? carrier);
        SimulatedStatusOptions options = simulation.Statuses;
        bool late = SimulatedCarrierGateway.Draw(simulation.Seed + 3, tenderId) < (carrier?.LateProbability ?? options.LateProbability);
        DateTimeOffset arrival = late
            ? door.Start.AddMinutes(options.LateMinutes)
            : door.Start.AddMinutes((SimulatedCarrierGateway.Draw(simulation.Seed + 4, tenderId) * 15) - 5);
        DateTimeOffset departure = arrival + (door.End - door.Start) + TimeSpan.FromMinutes(5);
        // Against the carrier's own estimate (pick-up day + transit): on time an hour early, or LateDeliveryHours behind it,
        // which is late for the shipment when that passes the promised delivery.
        DateTimeOffset delivered = late ? booking.EstimatedDelivery.AddHours(options.LateDeliveryHours) : booking.EstimatedDelivery.AddHours(-1);
        return
        [
            new(CarrierStatusCodes.ArrivedAtPickup, arrival, late ? null : "NS", "Indianapolis", "IN"),
            new(CarrierStatusCodes.DepartedPickup, departure, null, "Indianapolis", "IN"),
            new(CarrierStatusCodes.ArrivedAtDelivery, delivered.AddMinutes(-30), null, destination, null),
            new(CarrierStatusCodes.Delivered, delivered, late ? null : "NS", destination, null),
        ];
    }

    async Task<Shipment?> WaitForBookingAsync(string tenderId)
    {
        ITenderStore tenders = services.GetRequiredService<ITenderStore>();
        IShipmentStore shipments = services.GetRequiredService<IShipmentStore>();
        for (int look = 0; look < 600; look++)
        {
            if (await tenders.GetAsync(tenderId) is { } tender && await shipments.GetAsync(new OrderKey(tender.PlantId, tender.OrderId)) is { } shipment)
            {
                if (shipment.Booking?.TenderId == tenderId && shipment.DockAppointment is { Status: DockAppointment.Booked })
                {
                    return shipment;
                }

                if (tender.WithdrawnAt is not null || shipment.Booking is { } other && other.TenderId != tenderId)
                {
                    return null;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200)); // polling the store: real time, whatever the app's clock
        }

        return null;
    }

    async Task SendAsync(string tenderId, string scac, CarrierStatusReport report, Func<CarrierStatusReport, Task>? edi)
    {
        if (edi is not null)
        {
            await edi(report);
            return;
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await services.GetRequiredService<CarrierStatusService>().RecordAsync(tenderId, scac, report, services.GetRequiredService<DurableTaskClient>());
                return;
            }
            catch (Exception e) when (CosmosStore.IsTransient(e) && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * attempt * attempt)));
            }
        }
    }
}
