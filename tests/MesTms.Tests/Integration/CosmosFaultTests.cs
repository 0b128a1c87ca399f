using System.Net;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace MesTms.Tests.Integration;

/// <summary>
/// Cosmos answering 429 and 412 through the SDK's request pipeline (issue 11): the webhook answers 503 so the sender
/// retries, workflows retry their activities, ETag writers re-read and re-apply — and afterwards every order is booked
/// once, no decision is recorded twice and each tender outcome counts exactly once in the carriers' performance.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class CosmosFaultTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Throttling_and_lost_ETag_races_lose_nothing_and_double_nothing()
    {
        var faults = new CosmosFaults(throttleShare: 0.04, conflictShare: 0.25) { Enabled = false };
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(new()
        {
            // Swiftline (best to Atlanta) declines every tender, Guardian accepts: two outcomes per order.
            ["MesTms:Carriers:Simulation:Carriers:SWFL:AcceptanceProbability"] = "0",
        }), services: s => s.AddSingleton<RequestHandler>(faults));
        IReadOnlyDictionary<string, CarrierPerformance> before = await app.Service<ICarrierPerformanceStore>().GetAllAsync();
        faults.Enabled = true;
        List<string> orders = Enumerable.Range(0, 12).Select(i => $"PO-F{i:00}-" + Guid.NewGuid().ToString("N")[..6]).ToList();
        int unavailable = 0;
        foreach (string order in orders)
        {
            // As Event Grid does: a 503 is retried until the event is taken.
            for (int attempt = 0; ; attempt++)
            {
                HttpResponseMessage response = await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order, id: $"evt-{order}")));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(attempt < 50, "the webhook never took the event");
                unavailable++;
            }
        }

        var booked = new List<Shipment>();
        foreach (string order in orders)
        {
            // Activities that hit several 429s in a row back off (1 s, 2 s, 4 s ...): allow for it.
            booked.Add(await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, s => s.Tenders.Count == 2, TimeSpan.FromMinutes(2)));
        }

        faults.Enabled = false;
        Assert.True(faults.Throttled > 0 && faults.Conflicted > 0, $"{faults.Throttled} throttled, {faults.Conflicted} conflicts injected");
        foreach (Shipment shipment in booked)
        {
            Assert.Equal(shipment.Decisions.Count, shipment.Decisions.Select(d => d.Key).Distinct().Count());
            Assert.Equal(["SWFL", "GHZC"], shipment.Tenders.Select(t => t.Scac));
            Assert.Equal(["declined", "accepted"], shipment.Tenders.Select(t => t.Outcome));
        }

        Container events = app.Service<CosmosStore>().Events;
        Assert.Equal(orders.Count, await events.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.status = 'Accepted'"));
        Assert.Equal(orders.Count, await app.Service<CosmosStore>().Shipments.CountAsync("SELECT VALUE COUNT(1) FROM c"));
        // A booking's acceptance is observed just after the booking is written (and retried after a 429): let the last
        // ones land, then look once more a moment later, so a double count would show as well as a lost one.
        IReadOnlyDictionary<string, CarrierPerformance> after = await app.Service<ICarrierPerformanceStore>().GetAllAsync();
        int Seen(string scac) => after[scac].Observations - (before.TryGetValue(scac, out CarrierPerformance? b) ? b.Observations : CatalogObservations(app, scac));
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(60); (Seen("SWFL") < orders.Count || Seen("GHZC") < orders.Count) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(250);
            after = await app.Service<ICarrierPerformanceStore>().GetAllAsync();
        }

        await Task.Delay(2000);
        after = await app.Service<ICarrierPerformanceStore>().GetAllAsync();
        Assert.Equal(orders.Count, Seen("SWFL"));
        Assert.Equal(orders.Count, Seen("GHZC"));
    }

    static int CatalogObservations(TestApp app, string scac) => app.Service<CarrierCatalog>().Contract(scac)!.Performance.Observations;
}
