using System.Net;
using System.Text.Json.Nodes;
using MesTms.Tests.Fixtures;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;

namespace MesTms.Tests.Contract;

/// <summary>
/// The OpenAPI document served by the local host covers every route it serves, with request and answer schemas and
/// problem+json errors of one shape; its reference UI at /docs loads nothing from the internet.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class OpenApiDocumentTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Every_route_the_host_serves_is_in_the_document_with_its_schemas_and_problem_errors()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        HttpResponseMessage response = await app.Http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonNode doc = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("3.1.0", doc["openapi"]!.GetValue<string>());
        JsonObject paths = doc["paths"]!.AsObject();
        JsonObject schemas = doc["components"]!["schemas"]!.AsObject();

        // Every /api endpoint of the running host (its route table as mapped), method by method.
        var served = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Path: e.RoutePattern.RawText!, Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(served.Count >= 10, $"only {served.Count} endpoints found");
        foreach ((string path, string method) in served)
        {
            JsonNode? operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is served but missing from /openapi/v1.json");
            Assert.False(string.IsNullOrWhiteSpace(operation!["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
            JsonObject responses = operation["responses"]!.AsObject();
            Assert.Contains(responses, r => r.Key.StartsWith('2'));
            foreach ((string status, JsonNode? answer) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                // One error shape everywhere.
                Assert.Equal("#/components/schemas/Problem", answer!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
            }

            foreach (Match value in System.Text.RegularExpressions.Regex.Matches(path, @"\{(\w+)\}"))
            {
                Assert.Contains(operation["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == value.Groups[1].Value && p["in"]!.GetValue<string>() == "path");
            }

            // Only the handshake, the published schemas, the API document and the dashboard page are open to anyone.
            bool open = method == "options" || path is "/api/schemas/{name}" or "/api/openapi/v1.json" or "/api/dashboard";
            Assert.Equal(!open, operation["security"] is not null);
            Assert.Equal(!open, responses.ContainsKey("401"));
        }

        // Request and answer schemas come from the records the handlers read and write.
        JsonObject shipment = schemas["ShipmentView"]!["properties"]!.AsObject();
        Assert.Contains("status", shipment.Select(p => p.Key));
        Assert.Contains("decisions", shipment.Select(p => p.Key));
        Assert.Contains("releasedBy", schemas["PlannerHoldRelease"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("#/components/schemas/TenderResponse",
            paths["/api/tenders/{tenderId}/response"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal(["type", "title", "status", "detail", "errors", "extensions"], schemas["Problem"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("carrierKey", paths["/api/tenders/{tenderId}/response"]!["post"]!["security"]![0]!.AsObject().Single().Key);
        Assert.Equal("mesKey", paths["/api/events/mes"]!["post"]!["security"]![0]!.AsObject().Single().Key);
        // Every $ref resolves.
        foreach (Match reference in System.Text.RegularExpressions.Regex.Matches(doc.ToJsonString(), "\"#/components/schemas/([^\"]+)\""))
        {
            Assert.True(schemas.ContainsKey(reference.Groups[1].Value), $"dangling $ref {reference.Value}");
        }

        // The same document under /api for the Functions host.
        Assert.Equal(doc.ToJsonString(), JsonNode.Parse(await app.Http.GetStringAsync("api/openapi/v1.json"))!.ToJsonString());
    }

    [Fact]
    public async Task The_reference_UI_at_docs_loads_only_from_the_bridge()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        HttpResponseMessage page = await app.Http.GetAsync("docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html);
        foreach (Match src in System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"([^\"]+)\""))
        {
            Assert.False(src.Groups[1].Value.StartsWith("http", StringComparison.OrdinalIgnoreCase) || src.Groups[1].Value.StartsWith("//", StringComparison.Ordinal),
                $"/docs loads {src.Groups[1].Value} from elsewhere");
        }
    }
}
