using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Hosting;

/// <summary>
/// The OpenAPI 3.1 document of the bridge, generated from the route table itself (the same table both hosts serve): every
/// route with its methods, path and query parameters, request and answer schemas (exported from the records the handlers
/// read and write, in the app's one JSON serialisation) and its errors, all <c>application/problem+json</c> of one shape.
/// Served at <c>/openapi/v1.json</c> on the local host and <c>/api/openapi/v1.json</c> on both.
/// </summary>
public static partial class OpenApiDocument
{
    public const string Version = "1.0.0";

    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetOpenApiDocument", "openapi/v1.json", call => Task.FromResult(Serve(call.Http)), ApiAccess.Anonymous)
            .Documented(new ApiDoc("Documentation", "The API document", "This OpenAPI 3.1 document, generated from the route table.",
                [new ApiAnswer(200, "The document.", typeof(JsonObject))])),
    ];

    static readonly Lazy<string> Cached = new(() => Build(ApiRoutes.All).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static IResult Serve(HttpContext http) => Results.Text(Cached.Value, "application/json");

    static readonly JsonSerializerOptions SchemaOptions = new(CosmosStore.Json) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>Builds the document; throws when a route has no <see cref="ApiDoc"/> (every route is documented).</summary>
    public static JsonObject Build(IReadOnlyList<ApiRoute> routes)
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var paths = new JsonObject();
        foreach (IGrouping<string, ApiRoute> path in routes.GroupBy(r => r.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var item = new JsonObject();
            foreach (ApiRoute route in path)
            {
                ApiDoc doc = route.Doc ?? throw new InvalidOperationException($"Route {route.Name} ({route.Template}) has no API documentation (ApiRoute.Documented).");
                foreach (string method in route.Methods)
                {
                    item[method.ToLowerInvariant()] = Operation(route, doc, method, schemas);
                }
            }

            paths[path.Key] = item;
        }

        var components = new JsonObject
        {
            ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value.DeepClone()))),
            ["securitySchemes"] = new JsonObject
            {
                ["mesKey"] = Key("The MES key (MesTms:Security:MesKey); Event Grid publishers may send it as aeg-sas-key."),
                ["plannerKey"] = Key("The planner key (MesTms:Security:PlannerKey)."),
                ["carrierKey"] = Key("A carrier's own key (MesTms:Security:CarrierKeys:{SCAC}): it answers only that carrier's tenders."),
            },
        };
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "MES → TMS event bridge",
                ["version"] = Version,
                ["description"] = "Production-completed events in; rate shopping, tendering, dock appointments, consolidation and quality holds out. " +
                    "Every error is application/problem+json (RFC 9457) with type, title, status, detail and, for bad fields, errors[].",
            },
            ["paths"] = paths,
            ["components"] = components,
        };
    }

    static JsonObject Key(string description) => new() { ["type"] = "apiKey", ["in"] = "header", ["name"] = ApiKeys.Header, ["description"] = description };

    static JsonObject Operation(ApiRoute route, ApiDoc doc, string method, IDictionary<string, JsonNode> schemas)
    {
        var parameters = new JsonArray();
        foreach (Match m in RouteValue().Matches(route.Template))
        {
            parameters.Add(new JsonObject { ["name"] = m.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        foreach (ApiQuery q in doc.Query)
        {
            var schema = new JsonObject { ["type"] = q.Type };
            if (q.Format is not null)
            {
                schema["format"] = q.Format;
            }

            parameters.Add(new JsonObject { ["name"] = q.Name, ["in"] = "query", ["required"] = false, ["description"] = q.Description, ["schema"] = schema });
        }

        var responses = new JsonObject();
        bool options = HttpMethods.IsOptions(method);
        if (options)
        {
            responses["200"] = new JsonObject { ["description"] = "The CloudEvents webhook handshake: WebHook-Allowed-Origin echoes WebHook-Request-Origin." };
            responses["400"] = ProblemAnswer("The WebHook-Request-Origin header is missing.", schemas);
        }
        else
        {
            foreach (ApiAnswer answer in doc.Answers)
            {
                var response = new JsonObject { ["description"] = answer.Description };
                if (answer.Body is not null)
                {
                    response["content"] = new JsonObject { [answer.ContentType] = new JsonObject { ["schema"] = SchemaRef(answer.Body, schemas) } };
                }

                responses[answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
            }

            IEnumerable<(int Status, string Description)> errors = doc.Errors;
            if (route.Access != ApiAccess.Anonymous)
            {
                errors = errors.Append((401, route.Access switch
                {
                    ApiAccess.Mes => "The MES key is missing or wrong.",
                    ApiAccess.Carrier => "The carrier key is missing or wrong.",
                    _ => "The planner key is missing or wrong.",
                }));
                errors = errors.Append((503, "The state store could not be reached; nothing was lost: retry (Retry-After)."));
            }

            foreach ((int status, string description) in errors.DistinctBy(e => e.Status).OrderBy(e => e.Status))
            {
                responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = ProblemAnswer(description, schemas);
            }
        }

        var operation = new JsonObject
        {
            ["operationId"] = options ? route.Name + "Handshake" : route.Name,
            ["tags"] = new JsonArray(doc.Tag),
            ["summary"] = options ? "CloudEvents webhook handshake" : doc.Summary,
            ["description"] = options ? "Answers the CloudEvents abuse-protection OPTIONS request; needs no key." : doc.Description,
        };
        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (!options && doc.Request is { } request)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { [doc.RequestContentType] = new JsonObject { ["schema"] = SchemaRef(request, schemas) } },
            };
        }

        operation["responses"] = responses;
        if (!options && route.Access != ApiAccess.Anonymous)
        {
            string scheme = route.Access switch { ApiAccess.Mes => "mesKey", ApiAccess.Carrier => "carrierKey", _ => "plannerKey" };
            operation["security"] = new JsonArray(new JsonObject { [scheme] = new JsonArray() });
        }

        return operation;
    }

    static JsonObject ProblemAnswer(string description, IDictionary<string, JsonNode> schemas) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { [HttpJson.ProblemContentType] = new JsonObject { ["schema"] = SchemaRef(typeof(Problem), schemas) } },
    };

    /// <summary>A reference to the type's schema under components (added the first time), or the schema inline for JSON values.</summary>
    static JsonNode SchemaRef(Type type, IDictionary<string, JsonNode> schemas)
    {
        if (type == typeof(JsonObject) || type == typeof(JsonElement) || type == typeof(string))
        {
            return type == typeof(string) ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = "object" };
        }

        if (type.IsArray)
        {
            return new JsonObject { ["type"] = "array", ["items"] = SchemaRef(type.GetElementType()!, schemas) };
        }

        string name = SchemaName(type);
        if (!schemas.ContainsKey(name))
        {
            JsonNode schema = JsonSchemaExporter.GetJsonSchemaAsNode(SchemaOptions, type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = (context, node) =>
                {
                    if (node is JsonObject o && context.PropertyInfo?.AttributeProvider is MemberInfo member && Describe(member) is { } text)
                    {
                        o["description"] = text;
                    }

                    return node;
                },
            });
            if (schema is JsonObject root)
            {
                root["title"] = name;
            }

            schemas[name] = schema;
        }

        return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
    }

    static string SchemaName(Type type) => type.IsGenericType
        ? type.Name[..type.Name.IndexOf('`')] + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaName))
        : type.Name;

    static string? Describe(MemberInfo member) => member.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>()?.Description;

    [GeneratedRegex(@"\{([A-Za-z0-9]+)\}")]
    private static partial Regex RouteValue();
}
