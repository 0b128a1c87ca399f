using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MesTms.Domain.Shipments;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// A planner re-tenders through HTTP: an order shipped alone and a consolidated load, each booked, are withdrawn from
/// their carrier (told, door released), rate shopped again without that carrier and booked with the next one; planners
/// get the withdrawn tender and the re-tender as notifications. Bad requests are 400, the wrong moment 409.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class RetenderTests(EmulatorFixture emulators)
{
    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    static object Request(string? by = "Dana (planner)", string? reason = "carrier cannot make the window") => new { requestedBy = by, reason };

    static async Task<JsonElement> NotificationsAsync(TestApp app, string type, string? orderId = null, string? loadId = null)
    {
        string query = $"api/notifications?type={type}" + (orderId is null ? "" : $"&orderId={orderId}") + (loadId is null ? "" : $"&loadId={Uri.EscapeDataString(loadId)}");
        return await app.Http.GetFromJsonAsync<JsonElement>(query);
    }

    [Fact]
    public async Task An_order_shipped_alone_is_withdrawn_from_its_carrier_and_booked_with_another()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers());
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        Shipment first = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is not null || s.Decisions.Any(d => d.Key.StartsWith("dock-", StringComparison.Ordinal)));
        string firstCarrier = first.Booking!.Scac;

        HttpResponseMessage bad = await app.Http.PostAsJsonAsync($"api/shipments/{order}/retender", Request(by: null, reason: ""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        JsonElement problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["requestedBy", "reason"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.PostAsJsonAsync($"api/shipments/{NewOrder()}/retender", Request())).StatusCode);

        // Twice at once (a double click): one re-tender.
        HttpResponseMessage[] answers = await Task.WhenAll(
            app.Http.PostAsJsonAsync($"api/shipments/{order}/retender", Request()), app.Http.PostAsJsonAsync($"api/shipments/{order}/retender", Request()));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        JsonElement[] receipts = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(receipts, r => Assert.Equal(firstCarrier, r.GetProperty("setAside").GetString()));
        Assert.Single(receipts, r => r.GetProperty("result").GetString() == "re-planning");

        Shipment second = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.Booking!.Scac != firstCarrier);
        Assert.Single(second.Decisions, d => d.Decision == "Re-tender requested" && d.Reason.Contains("Dana (planner)"));
        Assert.Single(second.Decisions, d => d.Decision == "Re-tendered");
        Assert.Contains(second.Decisions, d => d.Decision == "Re-tendered");
        Assert.Equal(TenderOutcomes.Withdrawn, second.Tenders.Single(t => t.TenderId == first.Booking.TenderId).Outcome);
        Assert.Contains(".R1.T", second.Booking!.TenderId);
        Assert.Contains(second.RateShop!.Excluded, e => e.Scac == firstCarrier && e.Reason.Contains("set aside"));
        Assert.Equal([firstCarrier], second.SetAsideCarriers);

        JsonElement withdrawn = (await NotificationsAsync(app, "mestms.tender.withdrawn.v1", order)).GetProperty("notifications");
        JsonElement notice = Assert.Single(withdrawn.EnumerateArray());
        Assert.Equal(first.Booking.TenderId, notice.GetProperty("data").GetProperty("tenderId").GetString());
        Assert.True(notice.GetProperty("data").GetProperty("carrierTold").GetBoolean());
        JsonElement retendered = Assert.Single((await NotificationsAsync(app, "mestms.shipment.retendered.v1", order)).GetProperty("notifications").EnumerateArray());
        Assert.Equal(firstCarrier, retendered.GetProperty("data").GetProperty("setAside").GetString());
    }

    [Fact]
    public async Task A_shipment_being_tendered_cannot_be_re_tendered()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(new() { ["MesTms:Carriers:Simulation:Carriers:SWFL:Silent"] = "true" }));
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
        await app.WaitForShipmentAsync(order, ShipmentStatus.Tendering);

        HttpResponseMessage refused = await app.Http.PostAsJsonAsync($"api/shipments/{order}/retender", Request());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Tendering", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_booked_load_is_re_planned_without_its_carrier_and_its_orders_follow()
    {
        Dictionary<string, string?> settings = TestApp.WithCarriers();
        settings["MesTms:Shipment:Consolidate"] = "true";
        await using TestApp app = await TestApp.StartAsync(emulators, settings: settings);
        string[] orders = [NewOrder(), NewOrder(), NewOrder()];
        await app.PostEventsAsync(MesEvents.Batch(orders.Select((o, i) => MesEvents.Completed(o, lineId: $"L{i + 1}").WithPallets(8)).ToArray()));
        Shipment booked = await app.WaitForShipmentAsync(orders[0], ShipmentStatus.Booked);
        string loadId = booked.LoadId!;
        string firstCarrier = booked.Booking!.Scac;

        // Through an order (it travels with its load, so the load is re-tendered) and through the load id, three at once
        // (a double click, a retry): exactly one re-tenders, the others are told it is already requested.
        HttpResponseMessage[] answers = await Task.WhenAll(
            app.Http.PostAsJsonAsync($"api/shipments/{orders[1]}/retender", Request()),
            app.Http.PostAsJsonAsync($"api/loads/{Uri.EscapeDataString(loadId)}/retender", Request()),
            app.Http.PostAsJsonAsync($"api/loads/{Uri.EscapeDataString(loadId)}/retender", Request()));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        JsonElement[] receipts = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(receipts, r => Assert.Equal(("load", loadId), (r.GetProperty("kind").GetString(), r.GetProperty("id").GetString())));
        Assert.Single(receipts, r => r.GetProperty("result").GetString()!.StartsWith("re-planning", StringComparison.Ordinal));
        HttpResponseMessage again = await app.Http.PostAsJsonAsync($"api/loads/{Uri.EscapeDataString(loadId)}/retender", Request());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);

        foreach (string order in orders)
        {
            Shipment rebooked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.Booking!.Scac != firstCarrier, TimeSpan.FromSeconds(60));
            Assert.Equal(loadId, rebooked.LoadId);
        }

        JsonElement load = await app.Http.GetFromJsonAsync<JsonElement>($"api/loads/{Uri.EscapeDataString(loadId)}");
        Assert.Single(load.GetProperty("load").GetProperty("decisions").EnumerateArray(), d => d.GetProperty("decision").GetString() == "Re-tender requested");
        Assert.Equal(1, load.GetProperty("load").GetProperty("revision").GetInt32());
        Assert.Single((await NotificationsAsync(app, "mestms.shipment.retendered.v1", loadId: loadId)).GetProperty("notifications").EnumerateArray());
        Assert.Single((await NotificationsAsync(app, "mestms.tender.withdrawn.v1", loadId: loadId)).GetProperty("notifications").EnumerateArray());

        // An open load has no carrier to re-tender.
        string waiting = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(waiting).WithPallets(4)));
        Shipment consolidating = await app.WaitForShipmentAsync(waiting, ShipmentStatus.Consolidating);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Http.PostAsJsonAsync($"api/loads/{Uri.EscapeDataString(consolidating.OpenLoadId!)}/retender", Request())).StatusCode);
    }
}
