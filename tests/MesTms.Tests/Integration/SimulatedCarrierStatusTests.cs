using System.Net.Http.Json;
using System.Text.Json;
using MesTms.Domain.Shipments;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// The local host's simulated carriers as a local run uses them: SWFL trades X12 through its drop folder (204 in, 997 and
/// 990 out, then 214s), the JSON carriers report through the status service, so a shipment is followed to delivery and the
/// carriers' observed on-time rates move.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class SimulatedCarrierStatusTests(EmulatorFixture emulators)
{
    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    static Task<TestApp> StartAsync(EmulatorFixture emulators, string late, string speed = "20000") => TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(new()
    {
        ["MesTms:Docks:ModelPath"] = DockModels.AllDay(),
        ["MesTms:Carriers:Simulation:EdiCarriers:0"] = "SWFL",
        ["MesTms:Carriers:Simulation:Statuses:Enabled"] = "true",
        // Days of a shipment's life pass in seconds: the app's clock runs 10,000 (or more) times faster, and the carriers
        // report on it (never ahead of it); the tender window is wide enough for that speed.
        ["LocalHost:ClockSpeed"] = speed,
        ["MesTms:Shipment:TenderResponseTimeout"] = "3.00:00:00",
        ["MesTms:Carriers:Simulation:Statuses:LateProbability"] = late,
        // A late truck delivers 200 h (over eight days) after its estimate: past any promise of the test orders (eight days).
        ["MesTms:Carriers:Simulation:Statuses:LateDeliveryHours"] = "200",
    }));

    [Fact]
    public async Task A_simulated_X12_carrier_books_over_204_and_990_and_reports_214s_to_delivery()
    {
        await using TestApp app = await StartAsync(emulators, late: "0", speed: "10000");
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));

        Shipment delivered = await app.WaitForShipmentAsync(order, ShipmentStatus.Delivered, s => s.Progress?.DepartedPickup is not null, TimeSpan.FromSeconds(60));
        Assert.Equal("SWFL", delivered.Booking!.Scac);
        Assert.True(delivered.Progress is { PickedUpOnTime: true, DeliveredOnTime: true });
        Assert.NotNull(delivered.Progress.DepartedPickup);

        JsonElement[] documents = (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers/SWFL/edi?limit=100")).GetProperty("documents").EnumerateArray().ToArray();
        string[] Sets(string direction) => documents.Where(d => d.GetProperty("direction").GetString() == direction)
            .SelectMany(d => d.GetProperty("sets").EnumerateArray().Select(s => s.GetString()!)).Distinct().Order().ToArray();
        Assert.Equal(["204", "997"], Sets("outbound"));
        Assert.Equal(["214", "990", "997"], Sets("inbound"));
        // The tender and the door appointment's 204 change (B2A 04), each acknowledged by the carrier's 997.
        // (A document the bridge is still reading has no sets yet: the carrier keeps trading while the test looks.)
        static string? FirstSet(JsonElement d) => d.GetProperty("sets").GetArrayLength() > 0 ? d.GetProperty("sets")[0].GetString() : null;
        JsonElement[] tenders = documents.Where(d => FirstSet(d) == "204").ToArray();
        Assert.Contains(tenders, d => d.GetProperty("id").GetString() == $"out|SWFL|{delivered.Booking.TenderId}");
        Assert.Contains(tenders, d => d.GetProperty("text").GetString()!.Contains("B2A*04*LT"));
        await Eventually(async () => (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers/SWFL/edi?limit=100")).GetProperty("documents").EnumerateArray()
            .Where(d => FirstSet(d) == "204").All(d => d.GetProperty("status").GetString() == "accepted"));

        JsonElement swfl = (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers")).GetProperty("carriers").EnumerateArray().Single(c => c.GetProperty("scac").GetString() == "SWFL");
        Assert.True(swfl.GetProperty("observed").GetProperty("onTimeRate").GetDecimal() > swfl.GetProperty("contract").GetProperty("onTimeRate").GetDecimal());
    }

    static async Task Eventually(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(await condition(), "every 204 should be acknowledged by the carrier's 997 within 10 s");
    }

    [Fact]
    public async Task A_late_simulated_truck_alerts_planners_and_lowers_its_carriers_rates()
    {
        await using TestApp app = await StartAsync(emulators, late: "1", speed: "50000");
        string order = NewOrder();
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));

        Shipment delivered = await app.WaitForShipmentAsync(order, ShipmentStatus.Delivered, s => s.Progress?.DeliveredOnTime is not null && s.Progress.PickedUpOnTime is not null,
            TimeSpan.FromSeconds(60));
        Assert.True(delivered.Progress is { PickedUpOnTime: false, DeliveredOnTime: false });
        JsonElement alerts = await app.Http.GetFromJsonAsync<JsonElement>($"api/notifications?type=mestms.shipment.pickup.late.v1&orderId={order}");
        Assert.Single(alerts.GetProperty("notifications").EnumerateArray());

        JsonElement carrier = (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers")).GetProperty("carriers").EnumerateArray()
            .Single(c => c.GetProperty("scac").GetString() == delivered.Booking!.Scac);
        Assert.True(carrier.GetProperty("observed").GetProperty("onTimePickupRate").GetDecimal() < carrier.GetProperty("contract").GetProperty("onTimeRate").GetDecimal());
        Assert.True(carrier.GetProperty("serviceRate").GetDecimal() < carrier.GetProperty("contract").GetProperty("onTimeRate").GetDecimal());
    }
}
