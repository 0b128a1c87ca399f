using MesTms.Pipeline.Http;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Events;

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
        ["planner-notifications.v1.json"] = "planner-notifications.v1.schema.json",
    };

    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetContractSchema", "schemas/{name}", call => Task.FromResult(Get(call.Route("name"))), ApiAccess.Anonymous)
            .Documented(new ApiDoc("Documentation", "Get a published JSON Schema",
                "mes-events.v1.json (the MES events in) or planner-notifications.v1.json (the notifications out).",
                [new ApiAnswer(200, "The JSON Schema (2020-12).", typeof(System.Text.Json.Nodes.JsonObject), "application/schema+json")])
            {
                Errors = [(404, "No schema of that name.")],
            }),
    ];

    public static IResult Get(string name) => Published.TryGetValue(name, out string? file)
        ? Results.File(Path.Combine(AppContext.BaseDirectory, "Contracts", file), "application/schema+json")
        : HttpJson.Problem(StatusCodes.Status404NotFound, "schema-not-found", "No such schema", $"Published schemas: {string.Join(", ", Published.Keys)}.");
}
