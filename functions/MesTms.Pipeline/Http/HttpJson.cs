using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Http;

/// <summary>An RFC 9457 problem document; <see cref="Errors"/> names every bad field where there are any.</summary>
public sealed record Problem(string Type, string Title, int Status, string Detail, IReadOnlyList<FieldError>? Errors = null, object? Extensions = null);

/// <summary>
/// The results every handler returns, the same for both hosts: JSON in the app's one serialisation, and problems as
/// <c>application/problem+json</c> in one shape (<see cref="Problem"/>).
/// </summary>
public static class HttpJson
{
    public const string ProblemContentType = "application/problem+json";
    public const string ProblemBase = "https://github.com/mestms/mes-tms-bridge/problems/";

    public static IResult Json<T>(int status, T body, string contentType = "application/json") =>
        Results.Json(body, CosmosStore.Json, contentType, status);

    public static IResult Ok<T>(T body) => Json(StatusCodes.Status200OK, body);

    public static IResult Problem(int status, string problem, string title, string detail, IReadOnlyList<FieldError>? errors = null) =>
        Json(status, new Problem(ProblemBase + problem, title, status, detail, errors), ProblemContentType);

    /// <summary>503 with <c>Retry-After</c>: the state store could not be reached, nothing was lost.</summary>
    public static IResult Unavailable(string detail) => new WithHeader(
        Problem(StatusCodes.Status503ServiceUnavailable, "state-store-unavailable", "State store unavailable",
            detail + " Nothing was lost: retry the request (Event Grid does so by itself)."), "Retry-After", "10");

    /// <summary>
    /// Reads a JSON request body. On malformed JSON (or an empty body) returns the 400 problem to answer instead.
    /// </summary>
    public static async Task<(T? Body, IResult? Refusal)> ReadAsync<T>(HttpContext http, string what)
        where T : class
    {
        try
        {
            T? body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, CosmosStore.Json, http.RequestAborted);
            return body is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "malformed-request", $"Malformed {what}", "The body must be a JSON object."))
                : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "malformed-request", $"Malformed {what}", e.Message));
        }
    }

    /// <summary>A result with one more response header.</summary>
    public sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
