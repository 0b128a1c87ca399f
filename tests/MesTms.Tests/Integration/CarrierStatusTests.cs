using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Shipments;
using MesTms.Tests.Fixtures;
using Microsoft.DurableTask.Client;

namespace MesTms.Tests.Integration;

/// <summary>
/// Carrier statuses through <c>POST /api/tenders/{tenderId}/status</c>: a booked order followed to delivery (shipment,
/// door and workflow learn it; planners are told; the carrier's observed rates move), a late truck alerting planners and
/// losing its door, and late service lowering the carrier's rank for the next order.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class CarrierStatusTests(EmulatorFixture emulators)
{
    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    static Task<TestApp> StartAsync(EmulatorFixture emulators)
    {
        Dictionary<string, string?> settings = TestApp.WithCarriers();
        settings["MesTms:Docks:ModelPath"] = DockModels.AllDay();
        return TestApp.StartAsync(emulators, settings: settings);
    }

    /// <summary>Reports a status once its moment came on the app's clock.</summary>
    static Task<HttpResponseMessage> ReportAsync(TestApp app, string tenderId, string status, DateTimeOffset at, string? city = null)
    {
        app.ClockAtLeast(at);
        return app.Http.PostAsJsonAsync($"api/tenders/{tenderId}/status", new { status, at, city, state = city is null ? null : "IN" });
    }

    static async Task<JsonElement> StandingAsync(TestApp app, string scac) =>
        (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers")).GetProperty("carriers").EnumerateArray().Single(c => c.GetProperty("scac").GetString() == scac);

    static async Task<JsonElement[]> NotificationsAsync(TestApp app, string type, string orderId) =>
        (await app.Http.GetFromJsonAsync<JsonElement>($"api/notifications?type={type}&orderId={orderId}")).GetProperty("notifications").EnumerateArray().ToArray();

    [Fact]
    public async Task A_booked_order_is_followed_to_delivery_and_its_carrier_record_moves()
    {
        await using TestApp app = await StartAsync(emulators);
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is { Status: "Booked" });
        string tender = booked.Booking!.TenderId;
        string scac = booked.Booking.Scac;
        JsonElement before = await StandingAsync(app, scac);
        DateTimeOffset door = booked.DockAppointment!.Start;

        // Bad input is refused with the field named; an unknown tender is 404.
        HttpResponseMessage bad = await app.Http.PostAsJsonAsync($"api/tenders/{tender}/status", new { status = "teleported" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["status", "at"], (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await ReportAsync(app, "P100.NOPE.T1", CarrierStatusCodes.Delivered, door)).StatusCode);

        HttpResponseMessage arrived = await ReportAsync(app, tender, CarrierStatusCodes.ArrivedAtPickup, door.AddMinutes(10), "Indianapolis");
        Assert.Equal(HttpStatusCode.OK, arrived.StatusCode);
        Assert.True((await arrived.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pickedUpOnTime").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await ReportAsync(app, tender, CarrierStatusCodes.DepartedPickup, door.AddHours(3))).StatusCode);
        Shipment inTransit = await app.WaitForShipmentAsync(order, ShipmentStatus.InTransit);
        Assert.Equal(TimeSpan.FromMinutes(170), inTransit.Progress!.TimeAtDock);
        Assert.Equal(TimeSpan.FromMinutes(50), inTransit.Progress.Detention);

        // The workflow learnt the freight left: it shows InTransit and plans nothing more.
        DurableTaskClient durable = app.Service<DurableTaskClient>();
        string instance = new MesTms.Domain.OrderKey("P100", order).ShipmentInstanceId;
        await Eventually(async () => (await durable.GetInstanceAsync(instance, getInputsAndOutputs: true))?.ReadCustomStatusAs<ShipmentWorkflowStatus>()?.Status == ShipmentStatus.InTransit);

        // The door schedule shows when the truck really came and left.
        JsonElement day = await app.Http.GetFromJsonAsync<JsonElement>($"api/plants/P100/docks?date={door:yyyy-MM-dd}");
        JsonElement appointment = day.GetProperty("doors").EnumerateArray().SelectMany(d => d.GetProperty("appointments").EnumerateArray())
            .Single(a => a.GetProperty("shipmentId").GetString() == order);
        Assert.Equal(door.AddMinutes(10), appointment.GetProperty("arrivedAt").GetDateTimeOffset());
        Assert.Equal(door.AddHours(3), appointment.GetProperty("departedAt").GetDateTimeOffset());

        DateTimeOffset deliveredAt = booked.RequiredDeliveryBy!.Value.AddHours(-2);
        HttpResponseMessage delivered = await ReportAsync(app, tender, CarrierStatusCodes.Delivered, deliveredAt, "Atlanta");
        JsonElement receipt = await delivered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("recorded", "Delivered", true), (receipt.GetProperty("outcome").GetString(), receipt.GetProperty("shipmentStatus").GetString(), receipt.GetProperty("deliveredOnTime").GetBoolean()));
        JsonElement again = await (await ReportAsync(app, tender, CarrierStatusCodes.Delivered, deliveredAt.AddHours(1))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("duplicate", again.GetProperty("outcome").GetString());

        Shipment done = await app.WaitForShipmentAsync(order, ShipmentStatus.Delivered);
        Assert.Equal(deliveredAt, done.Progress!.DeliveredAt);
        Assert.Single(done.Decisions, d => d.Decision == "Delivered");
        JsonElement departedNotice = Assert.Single(await NotificationsAsync(app, "mestms.shipment.departed.v1", order));
        Assert.Equal(50, departedNotice.GetProperty("data").GetProperty("detentionMinutes").GetDouble());
        JsonElement deliveredNotice = Assert.Single(await NotificationsAsync(app, "mestms.shipment.delivered.v1", order));
        Assert.True(deliveredNotice.GetProperty("data").GetProperty("deliveredOnTime").GetBoolean());
        Assert.Empty(await NotificationsAsync(app, "mestms.shipment.pickup.late.v1", order));

        // Both on-time outcomes moved the carrier's observed rates up from the contract's figures (10 % weight each).
        JsonElement after = await StandingAsync(app, scac);
        decimal contractOnTime = before.GetProperty("contract").GetProperty("onTimeRate").GetDecimal();
        Assert.Equal(decimal.Round(0.9m * contractOnTime + 0.1m, 4), after.GetProperty("observed").GetProperty("onTimeRate").GetDecimal());
        Assert.Equal(decimal.Round(0.9m * contractOnTime + 0.1m, 4), after.GetProperty("observed").GetProperty("onTimePickupRate").GetDecimal());
    }

    [Fact]
    public async Task A_status_dated_ahead_of_the_bridges_clock_is_refused_naming_at_stored_as_refused_and_never_applied()
    {
        await using TestApp app = await StartAsync(emulators);
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is { Status: "Booked" });
        string tender = booked.Booking!.TenderId;

        // Delivered "in three days": refused with the field named, kept on the tender as refused.
        DateTimeOffset ahead = app.Now.AddDays(3);
        HttpResponseMessage refused = await app.Http.PostAsJsonAsync($"api/tenders/{tender}/status", new { status = CarrierStatusCodes.Delivered, at = ahead });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        JsonElement problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("at", error.GetProperty("field").GetString());
        Assert.Contains("after the bridge's clock", error.GetProperty("message").GetString());
        MesTms.Pipeline.Tendering.TenderDocument stored = (await app.Service<MesTms.Pipeline.Tendering.ITenderStore>().GetAsync(tender))!;
        MesTms.Pipeline.Tendering.RefusedCarrierStatus kept = Assert.Single(stored.RefusedStatuses);
        Assert.Equal((CarrierStatusCodes.Delivered, ahead), (kept.Status, kept.At));

        // Never applied: the shipment is still booked, with no progress and no notice.
        Shipment after = (await app.Http.GetFromJsonAsync<Shipment>($"api/shipments/{order}", MesTms.Pipeline.Storage.CosmosStore.Json))!;
        Assert.Equal(ShipmentStatus.Booked, after.Status);
        Assert.Null(after.Progress);
        Assert.Empty(await NotificationsAsync(app, "mestms.shipment.delivered.v1", order));

        // Ten minutes ahead is within the allowed skew (a carrier's clock a little fast): taken.
        HttpResponseMessage arrived = await app.Http.PostAsJsonAsync($"api/tenders/{tender}/status", new { status = CarrierStatusCodes.ArrivedAtPickup, at = app.Now.AddMinutes(10) });
        Assert.Equal(HttpStatusCode.OK, arrived.StatusCode);
    }

    [Fact]
    public async Task A_late_truck_alerts_planners_moves_its_door_and_late_service_costs_the_carrier_its_rank()
    {
        await using TestApp app = await StartAsync(emulators);
        string? first = null;
        string ranking = "";
        decimal lastRisk = -1;
        for (int round = 1; round <= 10; round++)
        {
            string order = NewOrder();
            // Completed on the app's clock, which the reports of the rounds before moved on.
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order, now: app.Now)));
            Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is { Status: "Booked" });
            first ??= booked.Booking!.Scac;
            ranking += $"\nround {round}: " + string.Join(", ", booked.RateShop!.Candidates.Take(3).Select(q => $"{q.Scac} {q.Total}+{q.LateRiskCost}+{q.RejectionRiskCost}={q.Score}"));
            // Every late pick-up and delivery observed raises the carrier's expected cost of lateness for the next order.
            decimal risk = booked.RateShop.Candidates.Single(q => q.Scac == first).LateRiskCost;
            Assert.True(risk > lastRisk, $"late risk did not rise:{ranking}");
            lastRisk = risk;
            if (booked.Booking!.Scac != first)
            {
                // The late carrier lost its first place: its observed late risk now outweighs its price lead.
                Assert.True(round > 1);
                Assert.Contains(booked.RateShop!.Candidates, q => q.Scac == first);
                JsonElement standing = await StandingAsync(app, first);
                Assert.True(standing.GetProperty("observed").GetProperty("onTimePickupRate").GetDecimal() < standing.GetProperty("contract").GetProperty("onTimeRate").GetDecimal());
                Assert.True(standing.GetProperty("observed").GetProperty("onTimeRate").GetDecimal() < standing.GetProperty("contract").GetProperty("onTimeRate").GetDecimal());
                return;
            }

            // The truck comes two hours after its appointment and delivers a day late.
            DockAppointmentSnapshot door = new(booked.DockAppointment!.DoorId, booked.DockAppointment.Start);
            DateTimeOffset cameAt = door.Start.AddHours(2);
            JsonElement arrived = await (await ReportAsync(app, booked.Booking.TenderId, CarrierStatusCodes.ArrivedAtPickup, cameAt)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(arrived.GetProperty("pickedUpOnTime").GetBoolean());
            JsonElement alert = Assert.Single(await NotificationsAsync(app, "mestms.shipment.pickup.late.v1", order));
            Assert.Equal(120, alert.GetProperty("data").GetProperty("lateByMinutes").GetDouble());
            Assert.Contains("after its dock appointment", alert.GetProperty("data").GetProperty("summary").GetString());

            // Its door follows the truck: re-planned from its arrival (or released when nothing is free).
            Shipment moved = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is null || s.DockAppointment.Start >= cameAt);
            Assert.Contains(moved.Decisions, d => d.Reason.Contains("arrived 2 h late", StringComparison.Ordinal));
            if (moved.DockAppointment is { } newDoor)
            {
                Assert.Equal(cameAt, newDoor.ArrivedAt); // the re-planned door knows when the truck came
            }
            else
            {
                Assert.Contains(moved.Decisions, d => d.Decision == "No dock door");
            }

            await ReportAsync(app, booked.Booking.TenderId, CarrierStatusCodes.DepartedPickup, cameAt.AddHours(1));
            await ReportAsync(app, booked.Booking.TenderId, CarrierStatusCodes.Delivered, booked.RequiredDeliveryBy!.Value.AddDays(1));
            await app.WaitForShipmentAsync(order, ShipmentStatus.Delivered, s => s.Progress?.DeliveredOnTime == false);
        }

        Assert.Fail($"{first} kept first place after nine late pick-ups and deliveries:{ranking}");
    }

    sealed record DockAppointmentSnapshot(string DoorId, DateTimeOffset Start);

    static async Task Eventually(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the condition never held within 10 s");
    }
}
