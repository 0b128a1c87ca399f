using Microsoft.Azure.Cosmos;

namespace MesTms.Tests.Fixtures;

public static class CosmosQueries
{
    /// <summary>Runs a <c>SELECT VALUE COUNT(1)</c> query across the container.</summary>
    public static async Task<int> CountAsync(this Container container, string sql)
    {
        using FeedIterator<int> iterator = container.GetItemQueryIterator<int>(sql);
        int total = 0;
        while (iterator.HasMoreResults)
        {
            total += (await iterator.ReadNextAsync()).Sum();
        }

        return total;
    }
}
