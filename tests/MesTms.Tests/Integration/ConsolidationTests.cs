using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MesTms.Domain.Loads;
using MesTms.Domain.Shipments;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// Real-time consolidation through the public surface: completion events in over HTTP, loads out through
/// <c>GET /api/loads/{loadId}</c> and the orders' shipments, with simulated carriers booking the loads.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class ConsolidationTests(EmulatorFixture emulators)
{
    static Task<TestApp> StartAsync(EmulatorFixture emulators, bool carriers = true, Dictionary<string, string?>? extra = null)
    {
        Dictionary<string, string?> settings = TestApp.WithCarriers(extra);
        settings["MesTms:Shipment:Consolidate"] = "true";
        if (!carriers)
        {
            settings["MesTms:Carriers:ContractsPath"] = "";
        }

        return TestApp.StartAsync(emulators, settings: settings);
    }

    static string NewOrder(string prefix = "PO") => $"{prefix}-{Guid.NewGuid():N}"[..14];

    static async Task<LoadView> GetLoadAsync(TestApp app, string loadId)
    {
        HttpResponseMessage response = await app.Http.GetAsync($"api/loads/{Uri.EscapeDataString(loadId)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LoadView>(CosmosStore.Json))!;
    }

    static async Task<LoadView> WaitForLoadAsync(TestApp app, string loadId, Func<LoadView, bool> done)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        LoadView last;
        do
        {
            last = await GetLoadAsync(app, loadId);
            if (done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Load {loadId} did not get there; last status {last.Load.Status}, {last.Load.Orders.Count} order(s), shipment {last.Shipment?.Status}");
    }

    [Fact]
    public async Task Three_lines_completing_orders_for_one_distribution_centre_build_full_truckloads()
    {
        await using TestApp app = await StartAsync(emulators);
        // Six orders of 8 floor pallets (8,000 lb) each from three lines, all for the Atlanta DC: three fill a 53' van to 24/26 positions.
        string[] orders = Enumerable.Range(0, 6).Select(_ => NewOrder()).ToArray();
        for (int i = 0; i < orders.Length; i++)
        {
            HttpResponseMessage posted = await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(orders[i], lineId: $"L{(i % 3) + 1}").WithPallets(8)));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            if (i == 0)
            {
                // The first order alone is a third of a trailer: it waits for more freight instead of shipping partial.
                Shipment waiting = await app.WaitForShipmentAsync(orders[0], ShipmentStatus.Consolidating);
                Assert.NotNull(waiting.OpenLoadId);
                Assert.Contains("wait", (await GetLoadAsync(app, waiting.OpenLoadId!)).Load.Decisions[^1].Reason);
            }
        }

        var booked = new List<Shipment>();
        foreach (string order in orders)
        {
            booked.Add(await app.WaitForShipmentAsync(order, ShipmentStatus.Booked));
        }

        var loads = booked.GroupBy(s => s.LoadId!).ToList();
        Assert.Equal(2, loads.Count);
        foreach (IGrouping<string, Shipment> group in loads)
        {
            LoadView view = await GetLoadAsync(app, group.Key);
            Assert.Equal(3, view.Load.Orders.Count);
            Assert.Equal(group.Select(s => s.OrderId).Order(), view.Load.Orders.Select(o => o.OrderId).Order());
            Assert.Equal(24, view.Load.FloorPositions);
            Assert.Equal(24_000m, view.Load.WeightLb);
            Assert.True(view.Load.Fill >= 0.9m, $"fill {view.Load.Fill}");
            Assert.StartsWith("full enough", view.Load.Decisions.Single(d => d.Key == "ship").Reason);
            Assert.Equal(LoadStatus.Booked, view.Load.Status);
            Assert.Equal(ShipmentStatus.Booked, view.Shipment!.Status);
            Assert.All(group, s => Assert.Equal(view.Shipment.Booking, s.Booking));
            Assert.Equal(3, view.Shipment.MemberOrderIds.Count);
        }

        CosmosStore cosmos = app.Service<CosmosStore>();
        Assert.Equal(2, await cosmos.Notifications.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'mestms.load.built.v1'"));
        Assert.Equal(2, await cosmos.Notifications.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'mestms.shipment.booked.v1'"));
    }

    [Fact]
    public async Task An_urgent_order_ships_alone_at_its_cutoff_while_other_freight_keeps_waiting()
    {
        // No contracts: transit and dock lead time come from configuration (zero), so the cut-off is the required delivery.
        await using TestApp app = await StartAsync(emulators, carriers: false, new()
        {
            ["MesTms:Consolidation:TransitTimeEstimate"] = "00:00:00",
            ["MesTms:Consolidation:DockLeadTime"] = "00:00:00",
        });
        string urgent = NewOrder("URG"), patient = NewOrder("PAT");
        DateTimeOffset due = TestClock.Now.AddSeconds(5);
        await app.PostEventsAsync(MesEvents.Batch(
            MesEvents.Completed(urgent).WithPallets(4).WithRequiredDeliveryBy(due),
            MesEvents.Completed(patient).WithPallets(4).WithDestination("DC-CHI-02", "60638")));

        Shipment waiting = await app.WaitForShipmentAsync(urgent, ShipmentStatus.Consolidating);
        Assert.Null(waiting.LoadId);
        Shipment shipped = await app.WaitForShipmentAsync(urgent, ShipmentStatus.Consolidated, s => s.LoadId is not null);

        LoadView load = await GetLoadAsync(app, shipped.LoadId!);
        string reason = load.Load.Decisions.Single(d => d.Key == "ship").Reason;
        Assert.Contains("cut-off", reason);
        Assert.True(load.Load.CreatedAt >= due.AddSeconds(-1), $"closed at {load.Load.CreatedAt:O}, cut-off {due:O}");
        Assert.Equal([urgent], load.Load.Orders.Select(o => o.OrderId));
        Assert.True(load.Load.Fill < 0.2m);

        Shipment other = await app.WaitForShipmentAsync(patient, ShipmentStatus.Consolidating);
        Assert.Null(other.LoadId);
    }

    [Fact]
    public async Task A_quality_hold_takes_an_order_off_its_open_or_closed_load_and_it_rejoins_when_released()
    {
        await using TestApp app = await StartAsync(emulators);
        string a = NewOrder("A"), b = NewOrder("B"), c = NewOrder("C"), d = NewOrder("D");

        // Open load: B is held while it waits, and leaves the open load.
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(a).WithPallets(8), MesEvents.Completed(b).WithPallets(8)));
        await app.WaitForShipmentAsync(a, ShipmentStatus.Consolidating);
        string openId = (await app.WaitForShipmentAsync(b, ShipmentStatus.Consolidating)).OpenLoadId!;
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(b, "QH-1")));
        Shipment held = await app.WaitForShipmentAsync(b, ShipmentStatus.OnQualityHold, s => s.OpenLoadId is null);
        Assert.Contains(held.Decisions, x => x.Decision == "Taken off its load");
        LoadView open = await WaitForLoadAsync(app, openId, v => v.Load.Orders.Count == 1);
        Assert.Equal(a, open.Load.Orders.Single().OrderId);

        // Closed load: A, C and D fill a trailer and are booked; a hold on D removes it and the load is rebuilt and re-tendered.
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(c).WithPallets(8), MesEvents.Completed(d).WithPallets(8)));
        Shipment dBooked = await app.WaitForShipmentAsync(d, ShipmentStatus.Booked);
        string loadId = dBooked.LoadId!;
        LoadView before = await GetLoadAsync(app, loadId);
        Assert.Equal(new[] { a, c, d }.Order(), before.Load.Orders.Select(o => o.OrderId).Order());

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(d, "QH-2")));
        Shipment dHeld = await app.WaitForShipmentAsync(d, ShipmentStatus.OnQualityHold, s => s.LoadId is null);
        Assert.Null(dHeld.Booking);
        LoadView rebuilt = await WaitForLoadAsync(app, loadId, v => v.Shipment?.Booking?.TenderId.Contains(".R1.") == true && v.Load.Status == LoadStatus.Booked);
        Assert.Equal(new[] { a, c }.Order(), rebuilt.Load.Orders.Select(o => o.OrderId).Order());
        Assert.Equal(d, Assert.Single(rebuilt.Load.Removed).OrderId);
        Assert.Equal(1, rebuilt.Load.Revision);
        Assert.Equal(16, rebuilt.Load.FloorPositions);
        TenderRecord withdrawn = Assert.Single(rebuilt.Shipment!.Tenders, t => t.Outcome == "withdrawn");
        Assert.Contains(((SimulatedCarrierGateway)app.Service<ICarrierGateway>()).Received,
            m => m.Kind == "withdrawal" && m.TenderId == withdrawn.TenderId && m.Scac == withdrawn.Scac);
        Assert.Equal([a, c], rebuilt.Shipment.MemberOrderIds.Order());
        Shipment aNow = await app.WaitForShipmentAsync(a, ShipmentStatus.Booked, s => s.Booking?.TenderId == rebuilt.Shipment.Booking!.TenderId);
        Assert.Equal(loadId, aNow.LoadId);

        // Released: D and B re-join consolidation as new members of the open load.
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldReleased(d, "QH-2"), MesEvents.HoldReleased(b, "QH-1")));
        Shipment dBack = await app.WaitForShipmentAsync(d, ShipmentStatus.Consolidating);
        Assert.Equal(1, dBack.ConsolidationRound);
        await app.WaitForShipmentAsync(b, ShipmentStatus.Consolidating);
        LoadView reopened = await WaitForLoadAsync(app, dBack.OpenLoadId!, v => v.Load.Orders.Count == 2);
        Assert.Equal(new[] { b, d }.Order(), reopened.Load.Orders.Select(o => o.OrderId).Order());
    }

    [Fact]
    public async Task A_hold_while_the_load_is_being_tendered_withdraws_the_open_tender_and_tenders_the_rebuilt_load()
    {
        Dictionary<string, string?> silent = new() { ["MesTms:Shipment:TenderResponseTimeout"] = "00:30:00" };
        foreach (string scac in new[] { "CLDX", "ESTL", "GHZC", "HRTL", "MDWR", "ODLT", "PRFB", "RDWL", "SWFL" })
        {
            silent[$"MesTms:Carriers:Simulation:Carriers:{scac}:Silent"] = "true";
        }

        await using TestApp app = await StartAsync(emulators, extra: silent);
        string a = NewOrder("A"), c = NewOrder("C"), d = NewOrder("D");
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(a).WithPallets(8), MesEvents.Completed(c).WithPallets(8), MesEvents.Completed(d).WithPallets(8)));
        string loadId = (await app.WaitForShipmentAsync(d, ShipmentStatus.Consolidated, s => s.LoadId is not null)).LoadId!;
        TenderRecord first = Assert.Single((await WaitForLoadAsync(app, loadId, v => v.Shipment?.Tenders.Count == 1)).Shipment!.Tenders);

        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(d, "QH-3")));
        LoadView rebuilt = await WaitForLoadAsync(app, loadId, v => v.Shipment?.Tenders.Count == 2);
        Assert.Equal(new[] { a, c }.Order(), rebuilt.Load.Orders.Select(o => o.OrderId).Order());
        Assert.Equal(["withdrawn", null], rebuilt.Shipment!.Tenders.Select(t => t.Outcome));
        Assert.Contains(rebuilt.Shipment.Decisions, x => x.Decision == "Tender withdrawn" && x.Reason.Contains("changed materially"));
        Assert.Contains(((SimulatedCarrierGateway)app.Service<ICarrierGateway>()).Received, m => m.Kind == "withdrawal" && m.TenderId == first.TenderId);
        HttpResponseMessage late = await app.Http.PostAsJsonAsync($"api/tenders/{first.TenderId}/response", new { decision = "accept", scac = first.Scac });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);

        TenderRecord second = rebuilt.Shipment.Tenders[1];
        Assert.EndsWith(".R1.T1", second.TenderId);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.PostAsJsonAsync($"api/tenders/{second.TenderId}/response", new { decision = "accept", scac = second.Scac })).StatusCode);
        await WaitForLoadAsync(app, loadId, v => v.Load.Status == LoadStatus.Booked && v.Shipment?.Booking?.TenderId == second.TenderId);
        Assert.Equal(second.TenderId, (await app.WaitForShipmentAsync(a, ShipmentStatus.Booked)).Booking!.TenderId);
        Assert.Null((await app.WaitForShipmentAsync(d, ShipmentStatus.OnQualityHold)).LoadId);
    }

    [Fact]
    public async Task Unknown_loads_are_404_and_bad_ids_400()
    {
        await using TestApp app = await StartAsync(emulators, carriers: false);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("api/loads/L-P100-US-303-D99999")).StatusCode);
        HttpResponseMessage bad = await app.Http.GetAsync($"api/loads/{new string('x', 201)}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_order_on_a_load_that_can_only_go_late_is_booked_expedited_and_the_order_itself_shows_the_late_delivery()
    {
        // Due in two hours: its ship-by cut-off has already passed, so the load closes at once, and no carrier gets it to
        // Atlanta in time (issue 11, defect 7): the load is expedited, and the planner sees it on the order too.
        await using TestApp app = await StartAsync(emulators);
        string order = NewOrder("LATE");
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order).WithRequiredDeliveryBy(TestClock.Now.AddHours(2))));

        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.Late is not null);

        LoadView load = await GetLoadAsync(app, booked.LoadId!);
        Assert.Equal(load.Shipment!.Late, booked.Late);
        Assert.Equal(load.Shipment.Booking, booked.Booking);
        Assert.True(booked.Late!.LateBy > TimeSpan.Zero);
        Assert.Equal(booked.Booking!.EstimatedDelivery, booked.Late.ExpectedDelivery);
    }
}
