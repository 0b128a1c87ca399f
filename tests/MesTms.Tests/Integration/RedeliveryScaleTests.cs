using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.Azure.Cosmos;

namespace MesTms.Tests.Integration;

/// <summary>
/// At-least-once, out-of-order delivery at volume (issue 11): 10,000 completion events plus 3,000 redeliveries, shuffled
/// and sent in batches by several senders at once, become exactly 10,000 shipments — one per order, none lost.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class RedeliveryScaleTests(EmulatorFixture emulators)
{
    const int Orders = 10_000;
    const int Redeliveries = 3_000;
    const int BatchSize = 500;
    const int Senders = 3;

    [Fact]
    public async Task Ten_thousand_completions_with_30_percent_redeliveries_shuffled_across_batches_give_exactly_one_shipment_per_order()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string run = Guid.NewGuid().ToString("N")[..6];
        var random = new Random(20261201);
        List<string> originals = Enumerable.Range(0, Orders)
            .Select(i => MesEvents.Completed($"PO-{run}-{i:00000}", plantId: "P900", id: $"{run}-{i:00000}").ToJsonString()).ToList();
        List<string> deliveries = [.. originals, .. Enumerable.Range(0, Redeliveries).Select(_ => originals[random.Next(Orders)])];
        deliveries = [.. deliveries.OrderBy(_ => random.Next())];
        List<string[]> batches = [.. deliveries.Chunk(BatchSize)];

        int accepted = 0, duplicates = 0, next = -1;
        async Task SendAsync()
        {
            for (int b = Interlocked.Increment(ref next); b < batches.Count; b = Interlocked.Increment(ref next))
            {
                string body = "[" + string.Join(",", batches[b]) + "]";
                for (int attempt = 0; ; attempt++)
                {
                    HttpResponseMessage response = await app.PostEventsAsync(body);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        JsonElement answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                        Assert.Equal(0, answer.GetProperty("rejected").GetInt32());
                        Interlocked.Add(ref accepted, answer.GetProperty("accepted").GetInt32());
                        Interlocked.Add(ref duplicates, answer.GetProperty("duplicates").GetInt32());
                        break;
                    }

                    // Event Grid redelivers a whole batch after a 503; so does this sender.
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.True(attempt < 20, "the webhook kept answering 503");
                    await Task.Delay(500);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(SendAsync)));

        Assert.Equal(Orders, accepted);
        Assert.Equal(Redeliveries, duplicates);
        CosmosStore store = app.Service<CosmosStore>();
        int shipments = 0;
        for (DateTime deadline = DateTime.UtcNow.AddMinutes(8); DateTime.UtcNow < deadline; await Task.Delay(2000))
        {
            shipments = await store.Shipments.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.status = 'ReadyToShip'");
            if (shipments >= Orders)
            {
                break;
            }
        }

        Assert.Equal(Orders, shipments);
        Assert.Equal(Orders, await store.Shipments.CountAsync("SELECT VALUE COUNT(1) FROM c"));
        Assert.Equal(Orders, await store.Events.CountAsync("SELECT VALUE COUNT(1) FROM c WHERE c.status = 'Accepted'"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using FeedIterator<string> ids = store.Shipments.GetItemQueryIterator<string>("SELECT VALUE c.orderId FROM c");
        while (ids.HasMoreResults)
        {
            foreach (string id in await ids.ReadNextAsync())
            {
                Assert.True(seen.Add(id), $"order {id} has two shipments");
            }
        }

        Assert.Equal(Enumerable.Range(0, Orders).Select(i => $"PO-{run}-{i:00000}").ToHashSet(), seen);
    }
}
