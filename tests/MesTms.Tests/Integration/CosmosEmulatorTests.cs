using System.Net;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.Azure.Cosmos;

namespace MesTms.Tests.Integration;

/// <summary>
/// The Cosmos emulator launcher (tests/emulators/cosmos-emulator.js) through the real Cosmos SDK: each fix it
/// makes to @vercel/cosmosdb-server is proven here.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class CosmosEmulatorTests(EmulatorFixture emulators)
{
    sealed record Item(string Id, string Pk, int N, int? Ttl = null);

    async Task<Container> NewContainerAsync(CosmosClient client, int? defaultTtl = null)
    {
        Database database = (await client.CreateDatabaseIfNotExistsAsync(EmulatorFixture.UniqueName("emu"))).Database;
        return (await database.CreateContainerAsync(new ContainerProperties("items", "/pk") { DefaultTimeToLive = defaultTtl })).Container;
    }

    CosmosClient Client(string? endpoint = null) => new CosmosStore(new CosmosOptions
    {
        Endpoint = endpoint ?? emulators.Endpoints.CosmosEndpoint,
        Key = EmulatorEndpoints.CosmosKey,
        Emulator = true,
        DatabaseName = "unused",
    }).Client;

    [Fact]
    public async Task A_missing_item_is_404_and_a_duplicate_create_is_409_and_a_stale_etag_is_412()
    {
        using CosmosClient client = Client();
        Container container = await NewContainerAsync(client);

        var missing = await Assert.ThrowsAsync<CosmosException>(() => container.ReadItemAsync<Item>("nope", new PartitionKey("a")));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        ItemResponse<Item> created = await container.CreateItemAsync(new Item("1", "a", 1));
        var duplicate = await Assert.ThrowsAsync<CosmosException>(() => container.CreateItemAsync(new Item("1", "a", 2)));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        await container.ReplaceItemAsync(new Item("1", "a", 3), "1", new PartitionKey("a"), new ItemRequestOptions { IfMatchEtag = created.ETag });
        var stale = await Assert.ThrowsAsync<CosmosException>(() =>
            container.ReplaceItemAsync(new Item("1", "a", 4), "1", new PartitionKey("a"), new ItemRequestOptions { IfMatchEtag = created.ETag }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task Queries_work_on_a_database_whose_resource_id_would_hold_a_slash()
    {
        // The library wrote rids in plain base64: the 63rd database's was "gAA/AA==", and the SDK's rid-addressed
        // partition-key-range request for a query on it hit a path that does not exist (404 "stale cache").
        using CosmosClient client = Client();
        Database? database = null;
        for (int i = 0; i < 300 && database is null; i++)
        {
            DatabaseResponse created = await client.CreateDatabaseAsync(EmulatorFixture.UniqueName("rid"));
            string rid = created.Resource.SelfLink.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.DoesNotContain('/', rid);
            if (Convert.FromBase64String(rid.Replace('-', '/'))[2] == 0x3F)
            {
                database = created.Database;
            }
            else
            {
                await created.Database.DeleteAsync();
            }
        }

        Assert.NotNull(database);
        Container container = (await database!.CreateContainerAsync(new ContainerProperties("items", "/pk"))).Container;
        await container.CreateItemAsync(new Item("1", "a", 1));
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk").WithParameter("@pk", "a");
        using FeedIterator<Item> iterator = container.GetItemQueryIterator<Item>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey("a") });
        Assert.Equal(1, Assert.Single(await iterator.ReadNextAsync()).N);
    }

    [Fact]
    public async Task Queries_work_through_the_SDK_and_a_partition_key_limits_them_to_that_partition()
    {
        using CosmosClient client = Client();
        Container container = await NewContainerAsync(client);
        foreach (Item item in new[] { new Item("1", "a", 1), new Item("2", "a", 2), new Item("3", "b", 3) })
        {
            await container.CreateItemAsync(item);
        }

        Assert.Equal([1, 2, 3], (await QueryAsync(container, "SELECT * FROM c", null)).Select(i => i.N).Order());
        Assert.Equal([1, 2], (await QueryAsync(container, "SELECT * FROM c", "a")).Select(i => i.N).Order());
        Assert.Equal([3], (await QueryAsync(container, "SELECT * FROM c WHERE c.n > 1", "b")).Select(i => i.N));
    }

    [Fact]
    public async Task The_change_feed_returns_writes_made_after_the_continuation()
    {
        using CosmosClient client = Client();
        Container container = await NewContainerAsync(client);
        await container.CreateItemAsync(new Item("1", "a", 1));

        using FeedIterator<Item> feed = container.GetChangeFeedIterator<Item>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion);
        List<Item> first = await DrainAsync(feed);
        Assert.Equal([1], first.Select(i => i.N));

        await container.CreateItemAsync(new Item("2", "b", 2));
        await container.UpsertItemAsync(new Item("1", "a", 10));
        List<Item> later = await DrainAsync(feed);
        Assert.Equal([2, 10], later.Select(i => i.N));
        Assert.Empty(await DrainAsync(feed));
    }

    [Fact]
    public async Task Items_past_their_time_to_live_are_gone()
    {
        using CosmosClient client = Client();
        Container container = await NewContainerAsync(client, defaultTtl: -1);
        await container.CreateItemAsync(new Item("short", "a", 1, Ttl: 1));
        await container.CreateItemAsync(new Item("forever", "a", 2));

        await Task.Delay(TimeSpan.FromSeconds(2.2));

        var expired = await Assert.ThrowsAsync<CosmosException>(() => container.ReadItemAsync<Item>("short", new PartitionKey("a")));
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Equal([2], (await QueryAsync(container, "SELECT * FROM c", "a")).Select(i => i.N));
        await container.CreateItemAsync(new Item("short", "a", 3, Ttl: 60));
    }

    [Fact]
    public async Task With_a_data_file_the_state_survives_a_restart()
    {
        string directory = Path.Combine(LocalEmulators.FindRepositoryRoot(), "tests", "emulators");
        string data = Path.Combine(Path.GetTempPath(), EmulatorFixture.UniqueName("cosmosdata"));
        try
        {
            string databaseName;
            await using (LocalEmulators first = await LocalEmulators.StartAsync(new EmulatorSettings { Directory = directory, DataDirectory = data }))
            {
                using CosmosClient client = Client(first.Endpoints.CosmosEndpoint);
                Container container = await NewContainerAsync(client);
                databaseName = container.Database.Id;
                await container.CreateItemAsync(new Item("1", "a", 1));
                await container.UpsertItemAsync(new Item("1", "a", 2));
                await container.CreateItemAsync(new Item("2", "a", 3));
                await container.DeleteItemAsync<Item>("2", new PartitionKey("a"));
            }

            await using LocalEmulators second = await LocalEmulators.StartAsync(new EmulatorSettings { Directory = directory, DataDirectory = data });
            using CosmosClient again = Client(second.Endpoints.CosmosEndpoint);
            Container reopened = again.GetContainer(databaseName, "items");
            Assert.Equal(2, (await reopened.ReadItemAsync<Item>("1", new PartitionKey("a"))).Resource.N);
            var deleted = await Assert.ThrowsAsync<CosmosException>(() => reopened.ReadItemAsync<Item>("2", new PartitionKey("a")));
            Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    static async Task<List<Item>> QueryAsync(Container container, string sql, string? partition)
    {
        var results = new List<Item>();
        using FeedIterator<Item> iterator = container.GetItemQueryIterator<Item>(sql,
            requestOptions: partition is null ? null : new QueryRequestOptions { PartitionKey = new PartitionKey(partition) });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync());
        }

        return results;
    }

    static async Task<List<Item>> DrainAsync(FeedIterator<Item> feed)
    {
        var results = new List<Item>();
        while (feed.HasMoreResults)
        {
            FeedResponse<Item> page = await feed.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
            {
                break;
            }

            results.AddRange(page);
        }

        return results;
    }
}
