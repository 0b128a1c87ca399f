using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MesTms.Pipeline.Http;

/// <summary>Who may call a route (<see cref="ApiKeys"/>): anyone, the MES, planners, or a carrier about its own tenders.</summary>
public enum ApiAccess
{
    /// <summary>Handshakes, published schemas, the API document and the dashboard page itself.</summary>
    Anonymous,

    /// <summary>The MES webhook: the MES key (Event Grid sends it as a delivery header).</summary>
    Mes,

    /// <summary>The planner API and the dashboard's data and actions: the planner key.</summary>
    Planner,

    /// <summary>Tender answers: a carrier's own key, which names its SCAC.</summary>
    Carrier,
}

/// <summary>What a handler gets: the request, its route values and the host's Durable client.</summary>
public sealed record ApiCall(HttpContext Http, IReadOnlyDictionary<string, string?> RouteValues, DurableTaskClient? Durable)
{
    public string Route(string name) => RouteValues.TryGetValue(name, out string? value) && value is not null
        ? value
        : throw new InvalidOperationException($"The route has no value '{name}'.");

    public T Service<T>() where T : notnull => Http.RequestServices.GetRequiredService<T>();

    public DurableTaskClient RequireDurable() => Durable ?? Service<DurableTaskClient>();

    public CancellationToken Aborted => Http.RequestAborted;
}

/// <summary>
/// One HTTP route of the bridge. The local host maps every route of the table (<c>Hosting/ApiRoutes</c>) as it is; the
/// Functions app has one HTTP trigger of the same <see cref="Name"/>, template and methods per route, which hands the
/// request to <see cref="InvokeAsync"/> (a test compares its <c>functions.metadata</c> with the table).
/// </summary>
/// <param name="Template">Below <c>/api/</c>, e.g. <c>shipments/{orderId}</c>.</param>
public sealed record ApiRoute(string Name, string Template, IReadOnlyList<string> Methods, ApiAccess Access, Func<ApiCall, Task<IResult>> Handle)
{
    public const string Prefix = "/api/";

    /// <summary>What the API document (<c>/openapi/v1.json</c>) says about this route; a test fails for a route without it.</summary>
    public ApiDoc? Doc { get; init; }

    public ApiRoute Documented(ApiDoc doc) => this with { Doc = doc };

    public string Path => Prefix + Template;

    /// <summary>
    /// Checks the caller's key, then runs the handler; a state store that cannot be reached is a 503 (the caller retries),
    /// never a 500. An OPTIONS handshake needs no key: it reveals nothing.
    /// </summary>
    public async Task<IResult> InvokeAsync(ApiCall call)
    {
        ApiKeys keys = call.Http.RequestServices.GetService<ApiKeys>() ?? ApiKeys.Open;
        if (!HttpMethods.IsOptions(call.Http.Request.Method) && keys.Authorize(call.Http, Access) is { } refused)
        {
            return refused;
        }

        try
        {
            return await Handle(call);
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !call.Aborted.IsCancellationRequested)
        {
            return HttpJson.Unavailable("The state store could not be reached.");
        }
    }

    /// <summary>Runs the handler and writes its result (hosts whose triggers do not execute results themselves).</summary>
    public async Task ExecuteAsync(ApiCall call) => await (await InvokeAsync(call)).ExecuteAsync(call.Http);

    public static ApiRoute Get(string name, string template, Func<ApiCall, Task<IResult>> handle, ApiAccess access = ApiAccess.Planner) =>
        new(name, template, [HttpMethods.Get], access, handle);

    public static ApiRoute Post(string name, string template, Func<ApiCall, Task<IResult>> handle, ApiAccess access = ApiAccess.Planner) =>
        new(name, template, [HttpMethods.Post], access, handle);
}

/// <summary>A query parameter of a route (path parameters come from the template).</summary>
public sealed record ApiQuery(string Name, string Description, string Type = "string", string? Format = null);

/// <summary>A documented answer: status, what it means and its body type (null: no body; problems use <see cref="Problem"/>).</summary>
public sealed record ApiAnswer(int Status, string Description, Type? Body = null, string ContentType = "application/json");

/// <summary>
/// The API document's entry for a route: summary, description, feature tag, request body, query parameters, the success
/// answers and the errors it can answer with (each an <c>application/problem+json</c> <see cref="Problem"/>). A missing
/// or wrong key (401, unless anonymous) and an unreachable state store (503) are added to every route.
/// </summary>
public sealed record ApiDoc(string Tag, string Summary, string Description, IReadOnlyList<ApiAnswer> Answers)
{
    public Type? Request { get; init; }

    public string RequestContentType { get; init; } = "application/json";

    public IReadOnlyList<ApiQuery> Query { get; init; } = [];

    /// <summary>Error statuses with what each means here (400, 403, 404, 409, 413...).</summary>
    public IReadOnlyList<(int Status, string Description)> Errors { get; init; } = [];
}
