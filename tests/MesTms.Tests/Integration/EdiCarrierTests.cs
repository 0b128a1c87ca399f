using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MesTms.Domain.Edi;
using MesTms.Domain.Shipments;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// A carrier on X12 (<c>MesTms:Carriers:Edi:SWFL</c>) through the public surface: 204 out to its translator (a real HTTP
/// server) with its 997 read from the answer, 990 and 214 in at <c>/api/carriers/SWFL/edi</c> with our 997 back, a withdrawn
/// tender as a 204 cancellation, a drop folder both ways, and malformed X12 rejected with a 997 and kept.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class EdiCarrierTests(EmulatorFixture emulators)
{
    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    static async Task<(TestApp App, FakeEdiCarriers Carriers)> StartAsync(EmulatorFixture emulators, string answer = "accept")
    {
        FakeEdiCarriers carriers = await FakeEdiCarriers.StartAsync();
        carriers.Answer["SWFL"] = answer;
        Dictionary<string, string?> settings = TestApp.WithCarriers();
        settings["MesTms:Carriers:Edi:SWFL:Endpoint"] = carriers.Endpoint("SWFL");
        settings["MesTms:Docks:ModelPath"] = DockModels.AllDay();
        TestApp app = await TestApp.StartAsync(emulators, settings: settings);
        carriers.Bridge = app.App.BaseAddress;
        return (app, carriers);
    }

    static Task<HttpResponseMessage> PostX12Async(TestApp app, string scac, string text) =>
        app.Http.PostAsync($"api/carriers/{scac}/edi", new StringContent(text, Encoding.ASCII, "application/edi-x12"));

    static async Task<JsonElement[]> DocumentsAsync(TestApp app, string scac) =>
        (await app.Http.GetFromJsonAsync<JsonElement>($"api/carriers/{scac}/edi")).GetProperty("documents").EnumerateArray().ToArray();

    static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        for (int i = 0; i < 150; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{what} did not happen within 15 s");
    }

    [Fact]
    public async Task A_decline_in_a_990_moves_the_waterfall_on_and_every_document_is_acknowledged()
    {
        (TestApp app, FakeEdiCarriers carriers) = await StartAsync(emulators, answer: "decline");
        await using (app)
        await using (carriers)
        {
            string order = NewOrder();
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
            Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

            // SWFL ranked first and got a 204 with the tender id as shipment identification number; it declined in a 990.
            TenderRecord swfl = booked.Tenders.First();
            Assert.Equal(("SWFL", TenderOutcomes.Declined), (swfl.Scac, swfl.Outcome));
            Assert.Contains("No trucks on this lane", swfl.Reason);
            Assert.NotEqual("SWFL", booked.Booking!.Scac); // the next carrier (simulated, JSON) booked it
            (string _, X12Interchange interchange, string text) = Assert.Single(carriers.Received);
            X12Transaction tender = Assert.Single(interchange.Transactions);
            Assert.Equal("204", tender.Code);
            Assert.Equal(swfl.TenderId, tender.First("B2")![4]);
            Assert.Equal("00", tender.First("B2A")![1]);
            Assert.Equal("MESTMS", interchange.Sender.Trim());
            Assert.Contains(tender.All("S5"), s => s[2] == "LD");

            // Our 997 to the 990 accepted it; SWFL's inline 997 marked our 204 accepted.
            string ack = Assert.Single(carriers.Acknowledgments);
            X12Transaction ours = Assert.Single(X12Reader.Read(ack).Transactions);
            FunctionalAcknowledgment997 read = FunctionalAcknowledgment997.From(ours);
            Assert.Equal(("GF", "A"), (read.FunctionalId, read.GroupStatus));
            JsonElement[] documents = await DocumentsAsync(app, "SWFL");
            JsonElement sent = documents.Single(d => d.GetProperty("sets")[0].GetString() == "204");
            Assert.Equal(("outbound", "accepted"), (sent.GetProperty("direction").GetString(), sent.GetProperty("status").GetString()));
            Assert.Equal(text, sent.GetProperty("text").GetString());
            JsonElement answered = documents.Single(d => d.GetProperty("direction").GetString() == "inbound" && d.GetProperty("sets")[0].GetString() == "990");
            Assert.Equal("accepted", answered.GetProperty("status").GetString());
            Assert.Contains(answered.GetProperty("outcomes").EnumerateArray(), o => o.GetString()!.Contains($"{swfl.TenderId} decline: recorded"));
        }
    }

    [Fact]
    public async Task An_EDI_carrier_is_booked_its_214s_take_the_shipment_to_delivered_and_a_withdrawn_tender_is_cancelled_by_204()
    {
        (TestApp app, FakeEdiCarriers carriers) = await StartAsync(emulators);
        await using (app)
        await using (carriers)
        {
            string order = NewOrder();
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
            Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is { Status: "Booked" });
            Assert.Equal("SWFL", booked.Booking!.Scac);
            JsonElement before = (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers")).GetProperty("carriers").EnumerateArray().Single(c => c.GetProperty("scac").GetString() == "SWFL");
            Assert.Equal("edi", before.GetProperty("connection").GetString());

            // One 214 with three statuses: arrived on time, left, delivered a day late.
            DateTimeOffset door = booked.DockAppointment!.Start;
            string status = CarrierX12.Status214("SWFL", booked.Booking.TenderId,
                ("X3", door.AddMinutes(5), "Indianapolis"), ("AF", door.AddMinutes(50), "Indianapolis"), ("D1", booked.RequiredDeliveryBy!.Value.AddDays(1), "Atlanta"));
            app.ClockAtLeast(booked.RequiredDeliveryBy!.Value.AddDays(1)); // nothing from the future: the delivery's moment comes first
            HttpResponseMessage answer = await PostX12Async(app, "SWFL", status);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("application/edi-x12", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal("accepted", answer.Headers.GetValues("X-MesTms-Edi-Status").Single());
            Assert.Equal("A", FunctionalAcknowledgment997.From(Assert.Single(X12Reader.Read(await answer.Content.ReadAsStringAsync()).Transactions)).GroupStatus);

            Shipment delivered = await app.WaitForShipmentAsync(order, ShipmentStatus.Delivered);
            Assert.True(delivered.Progress!.PickedUpOnTime);
            Assert.False(delivered.Progress.DeliveredOnTime);
            Assert.Equal("Atlanta, IN", delivered.Progress.LastLocation);
            JsonElement after = (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers")).GetProperty("carriers").EnumerateArray().Single(c => c.GetProperty("scac").GetString() == "SWFL");
            Assert.True(after.GetProperty("observed").GetProperty("onTimeRate").GetDecimal() < before.GetProperty("observed").GetProperty("onTimeRate").GetDecimal());
            Assert.True(after.GetProperty("observed").GetProperty("onTimePickupRate").GetDecimal() > before.GetProperty("observed").GetProperty("onTimeRate").GetDecimal());

            // The same 214 again: the same 997, nothing new.
            HttpResponseMessage again = await PostX12Async(app, "SWFL", status);
            Assert.Equal(await answer.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
            Assert.Single((await app.Http.GetFromJsonAsync<JsonElement>($"api/notifications?type=mestms.shipment.delivered.v1&orderId={order}")).GetProperty("notifications").EnumerateArray());

            // A second order booked with SWFL is re-tendered by a planner: SWFL gets a 204 cancellation of its tender.
            string second = NewOrder();
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(second, now: app.Now)));
            Shipment secondBooked = await app.WaitForShipmentAsync(second, ShipmentStatus.Booked, s => s.DockAppointment is { Status: "Booked" });
            HttpResponseMessage retender = await app.Http.PostAsJsonAsync($"api/shipments/{second}/retender", new { requestedBy = "Dana", reason = "carrier asked to drop it" });
            Assert.Equal(HttpStatusCode.Accepted, retender.StatusCode);
            await Eventually(() => Task.FromResult(carriers.Received.Any(r => r.Interchange.Transactions.Any(t =>
                t.First("B2A")?[1] == "01" && t.First("B2")?[4] == secondBooked.Booking!.TenderId))), "a 204 cancellation");
            await app.WaitForShipmentAsync(second, ShipmentStatus.Booked, s => s.Booking!.Scac != "SWFL");
        }
    }

    [Fact]
    public async Task A_214_dated_ahead_of_the_bridges_clock_is_rejected_by_997_naming_the_AT7_and_never_applied()
    {
        (TestApp app, FakeEdiCarriers carriers) = await StartAsync(emulators);
        await using (app)
        await using (carriers)
        {
            string order = NewOrder();
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
            Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.DockAppointment is { Status: "Booked" });

            // Arrived now (fine), then "departed" 20 minutes ahead of the bridge's clock (more than the 15 min allowed).
            DateTimeOffset now = app.Now;
            string status = CarrierX12.Status214("SWFL", booked.Booking!.TenderId, ("X3", now, "Indianapolis"), ("AF", now.AddMinutes(20), "Indianapolis"));
            HttpResponseMessage answer = await PostX12Async(app, "SWFL", status);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("rejected", answer.Headers.GetValues("X-MesTms-Edi-Status").Single());
            X12Transaction ack = Assert.Single(X12Reader.Read(await answer.Content.ReadAsStringAsync()).Transactions);
            Assert.Equal(("214", "R"), (ack.First("AK2")![1], ack.First("AK5")![1]));
            // The second AT7 of the set is named, element 05 (the date).
            X12Transaction sent = Assert.Single(X12Reader.Read(status).Transactions);
            int secondAt7 = sent.Segments.Select((segment, index) => (segment, index)).Where(x => x.segment.Id == "AT7").ElementAt(1).index + 2;
            Assert.Equal(("AT7", secondAt7.ToString(System.Globalization.CultureInfo.InvariantCulture)), (ack.First("AK3")![1], ack.First("AK3")![2]));
            Assert.Equal("5", ack.First("AK4")![1]);

            // Nothing of the set was applied, not even the arrival dated now; the document is kept as rejected.
            Shipment after = (await app.Http.GetFromJsonAsync<Shipment>($"api/shipments/{order}", MesTms.Pipeline.Storage.CosmosStore.Json))!;
            Assert.Equal(ShipmentStatus.Booked, after.Status);
            Assert.Null(after.Progress);
            JsonElement kept = (await app.Http.GetFromJsonAsync<JsonElement>("api/carriers/SWFL/edi?limit=100")).GetProperty("documents").EnumerateArray()
                .First(d => d.GetProperty("direction").GetString() == "inbound" && d.GetProperty("sets")[0].GetString() == "214");
            Assert.Equal("rejected", kept.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Malformed_X12_is_answered_with_a_997_rejection_and_kept()
    {
        (TestApp app, FakeEdiCarriers carriers) = await StartAsync(emulators);
        await using (app)
        await using (carriers)
        {
            // A 990 whose SE counts one segment too many: rejected, with the segment named.
            string good = CarrierX12.Response990("SWFL", "P100.PO-NOPE.T1", true);
            string broken = good.Replace("SE*4*0001", "SE*5*0001", StringComparison.Ordinal);
            Assert.NotEqual(good, broken);
            HttpResponseMessage answer = await PostX12Async(app, "SWFL", broken);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("rejected", answer.Headers.GetValues("X-MesTms-Edi-Status").Single());
            X12Transaction ack = Assert.Single(X12Reader.Read(await answer.Content.ReadAsStringAsync()).Transactions);
            Assert.Equal("997", ack.Code);
            Assert.Equal(("GF", "R"), (ack.First("AK1")![1], ack.First("AK9")![1]));
            Assert.Equal(("990", "0001"), (ack.First("AK2")![1], ack.First("AK2")![2]));
            Assert.Equal("SE", ack.First("AK3")![1]);
            Assert.Equal("R", ack.First("AK5")![1]);

            // A readable envelope around a 990 without its B1-02: that set is rejected, AK3/AK4 at B1 (segment 2 of the set), element 2.
            string noTender = CarrierX12.Interchange("SWFL", "GF", new X12Transaction("990", "0001", [X12Segment.Of("B1", "SWFL", "", "20261130", "A")]));
            X12Transaction noTenderAck = Assert.Single(X12Reader.Read(await (await PostX12Async(app, "SWFL", noTender)).Content.ReadAsStringAsync()).Transactions);
            Assert.Equal(("B1", "2"), (noTenderAck.First("AK3")![1], noTenderAck.First("AK3")![2]));
            Assert.Equal("2", noTenderAck.First("AK4")![1]);

            // Not X12 at all: still a 997 rejection, never a 5xx.
            HttpResponseMessage garbage = await PostX12Async(app, "SWFL", "this is not an interchange");
            Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
            Assert.Equal("R", Assert.Single(X12Reader.Read(await garbage.Content.ReadAsStringAsync()).Transactions).First("AK9")![1]);

            // A readable 990 for a tender that does not exist: accepted as X12, nothing recorded, the outcome kept.
            HttpResponseMessage unknown = await PostX12Async(app, "SWFL", good);
            Assert.Equal("accepted", unknown.Headers.GetValues("X-MesTms-Edi-Status").Single());

            JsonElement[] inbound = (await DocumentsAsync(app, "SWFL")).Where(d => d.GetProperty("direction").GetString() == "inbound").ToArray();
            Assert.Equal(4, inbound.Length);
            JsonElement kept = inbound.Single(d => d.GetProperty("text").GetString() == broken);
            Assert.Equal("rejected", kept.GetProperty("status").GetString());
            Assert.Contains("SE01", kept.GetProperty("error").GetString());
            Assert.Contains(inbound, d => d.GetProperty("text").GetString() == "this is not an interchange" && d.GetProperty("status").GetString() == "rejected");
            Assert.Contains(inbound.Single(d => d.GetProperty("text").GetString() == good).GetProperty("outcomes").EnumerateArray(),
                o => o.GetString()!.Contains("no tender 'P100.PO-NOPE.T1'"));

            // Another carrier's key may not post SWFL's EDI; a carrier not on EDI has no EDI endpoint.
            Assert.Equal(HttpStatusCode.NotFound, (await PostX12Async(app, "HRTL", good)).StatusCode);
        }
    }

    [Fact]
    public async Task A_drop_folder_carries_the_204_out_and_the_990_in()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mestms-edi-" + Guid.NewGuid().ToString("N")[..8]);
        Dictionary<string, string?> settings = TestApp.WithCarriers();
        settings["MesTms:Carriers:Edi:SWFL:DropFolder"] = folder;
        settings["MesTms:Carriers:Edi:SWFL:ReceiverId"] = "SWFLEDI";
        await using TestApp app = await TestApp.StartAsync(emulators, settings: settings);
        try
        {
            string order = NewOrder();
            await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)));
            string outbound = Path.Combine(folder, "outbound");
            string? file = null;
            await Eventually(() => Task.FromResult((file = Directory.Exists(outbound) ? Directory.EnumerateFiles(outbound, "*.x12").FirstOrDefault() : null) is not null), "a 204 file");
            X12Interchange tender = X12Reader.Read(await File.ReadAllTextAsync(file!));
            Assert.Equal("SWFLEDI", tender.Receiver.Trim());
            string tenderId = Assert.Single(tender.Transactions).First("B2")![4];

            // The carrier drops its 990 (its own separators); the bridge reads it, books, and drops its 997.
            string inbound = Path.Combine(folder, "inbound");
            Directory.CreateDirectory(inbound);
            string answer = CarrierX12.Interchange("SWFLEDI", "GF", new X12Delimiters('|', ':', '\n', null),
                new X12Transaction("990", "0001", [X12Segment.Of("B1", "SWFL", tenderId, "20261130", "A")]));
            await File.WriteAllTextAsync(Path.Combine(inbound, "990-1.x12"), answer);
            Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);
            Assert.Equal(("SWFL", tenderId), (booked.Booking!.Scac, booked.Booking.TenderId));
            await Eventually(() => Task.FromResult(File.Exists(Path.Combine(inbound, "processed", "990-1.x12"))), "the 990 file moved to processed");
            await Eventually(() => Task.FromResult(Directory.EnumerateFiles(outbound, "*.x12").Any(f => File.ReadAllText(f).Contains("AK1*GF"))), "a 997 file");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
