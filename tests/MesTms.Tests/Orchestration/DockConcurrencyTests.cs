using MesTms.Domain;
using MesTms.Domain.Docks;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MesTms.Tests.Orchestration;

/// <summary>
/// 200 booked loads reserve doors for the same plant-day from 200 parallel orchestrations (in-process Durable host,
/// real ScheduleDock activity, Cosmos emulator): the schedule document's ETag serialises them, so every load gets a
/// door, none is lost and no door window is given twice.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class DockConcurrencyTests(EmulatorFixture emulators)
{
    const string BookDock = "BookDockForLoad";

    [Fact]
    public async Task Two_hundred_parallel_bookings_for_one_plant_day_never_double_book_a_door_and_lose_none()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MesTms:Cosmos:Endpoint"] = emulators.Endpoints.CosmosEndpoint,
            ["MesTms:Cosmos:Key"] = EmulatorEndpoints.CosmosKey,
            ["MesTms:Cosmos:DatabaseName"] = EmulatorFixture.UniqueName("docks"),
            ["MesTms:Cosmos:Emulator"] = "true",
            ["MesTms:Cosmos:CreateIfNotExists"] = "true",
            ["MesTms:Docks:ModelPath"] = DockModels.AllDay(),
            ["MesTms:Carriers:Simulation:Enabled"] = "true",
        }).Build();
        await using DurableTaskTestHost host = await DurableTaskTestHost.StartAsync(
            registry =>
            {
                registry.AddMesTmsWorkflows();
                registry.AddOrchestratorFunc<ScheduleDockRequest, DockResult>(BookDock,
                    (context, request) => context.CallActivityAsync<DockResult>(nameof(ScheduleDock), request with { At = context.CurrentUtcDateTime }));
            },
            new DurableTaskTestHostOptions
            {
                Port = LocalEmulators.FreePort(),
                ConfigureServices = services => services.AddMesTmsPipeline(configuration),
            });
        await host.Services.GetRequiredService<CosmosStore>().EnsureCreatedAsync();
        var shipments = host.Services.GetRequiredService<IShipmentStore>();

        // 200 booked loads of 8 pallets (one 30-minute slot each), all ready at the start of the same day.
        var day = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(40));
        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        string run = Guid.NewGuid().ToString("N")[..6];
        List<OrderKey> loads = Enumerable.Range(0, 200).Select(i => new OrderKey("P100", $"L-{run}-{i:000}")).ToList();
        await Parallel.ForEachAsync(loads, async (load, _) => await shipments.UpdateAsync(load, _ => new Shipment
        {
            Id = load.DocumentId, OrderId = load.OrderId, PlantId = load.PlantId, Status = ShipmentStatus.Booked, ReadyAt = dayStart,
            HandlingUnits = [new MesTms.Domain.Events.HandlingUnit(8, 48, 40, 50, "in", 1000, "lb", false)],
            Booking = new Booking($"P100.{load.OrderId}.T1", "SWFL", "Swiftline Truckload", ServiceMode.Ftl, Equipment.DryVan, 1000m, "USD", dayStart, day,
                dayStart.AddDays(1), new PickupConfirmation(dayStart, dayStart.AddDays(1), "PRO")),
            CreatedAt = dayStart, UpdatedAt = dayStart,
        }));

        await Parallel.ForEachAsync(loads, async (load, _) => await host.Client.ScheduleNewOrchestrationInstanceAsync(BookDock,
            new ScheduleDockRequest(load, "carrier booked", dayStart), new StartOrchestrationOptions($"book|{load.OrderId}")));
        var results = new List<DockResult>();
        foreach (OrderKey load in loads)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            OrchestrationMetadata done = await host.Client.WaitForInstanceCompletionAsync($"book|{load.OrderId}", getInputsAndOutputs: true, timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            results.Add(done.ReadOutputAs<DockResult>()!);
        }

        Assert.All(results, r => Assert.True(r.Scheduled, r.Reason));
        DockScheduleDocument schedule = (await host.Services.GetRequiredService<IDockStore>().GetScheduleAsync("P100", day))!;
        Assert.Equal(loads.Select(l => l.OrderId).Order(), schedule.Appointments.Select(a => a.AppointmentId).Order());
        foreach (DockAppointment a in schedule.Appointments)
        {
            Assert.DoesNotContain(schedule.Appointments, b => b != a && b.DoorId == a.DoorId && b.Overlaps(a.Start, a.End));
            Assert.Equal(a, (await shipments.GetAsync(new OrderKey("P100", a.AppointmentId)))!.DockAppointment);
        }

        // Earliest first: 200 half-hour loads on 10 doors fill the first ten hours of the day exactly.
        Assert.Equal(dayStart.AddHours(10), schedule.Appointments.Max(a => a.End));
    }
}
