using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Api;

/// <summary>
/// <c>GET /api/schemas/{name}</c>: the published JSON Schemas of the public contracts, shipped with the app in
/// <c>Contracts/</c>. Today: <c>mes-events.v1.json</c>, one MES CloudEvent as the webhook accepts it.
/// </summary>
public static class ContractSchemaApi
{
    /// <summary>Published name → file in Contracts/. Nothing outside this list is ever read.</summary>
    static readonly Dictionary<string, string> Published = new(StringComparer.Ordinal)
    {
        ["mes-events.v1.json"] = "mes-events.v1.schema.json",
    };

    public static async Task GetAsync(HttpContext http, string name)
    {
        if (!Published.TryGetValue(name, out string? file))
        {
            await HttpJson.WriteProblemAsync(http, StatusCodes.Status404NotFound, "schema-not-found", "No such schema",
                $"Published schemas: {string.Join(", ", Published.Keys)}.");
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/schema+json";
        await http.Response.SendFileAsync(Path.Combine(AppContext.BaseDirectory, "Contracts", file), http.RequestAborted);
    }
}
