using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Api;

/// <summary>An RFC 9457 problem document; <see cref="Errors"/> names every bad field where there are any.</summary>
public sealed record Problem(string Type, string Title, int Status, string Detail, IReadOnlyList<FieldError>? Errors = null, object? Extensions = null);

/// <summary>Writes JSON and problem responses the same way for every host (Functions and the local host).</summary>
public static class HttpJson
{
    public const string ProblemContentType = "application/problem+json";
    public const string ProblemBase = "https://github.com/mestms/mes-tms-bridge/problems/";

    public static async Task WriteAsync<T>(HttpContext http, int status, T body, string contentType = "application/json")
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await JsonSerializer.SerializeAsync(http.Response.Body, body, CosmosStore.Json, http.RequestAborted);
    }

    public static Task WriteProblemAsync(HttpContext http, int status, string problem, string title, string detail, IReadOnlyList<FieldError>? errors = null) =>
        WriteAsync(http, status, new Problem(ProblemBase + problem, title, status, detail, errors), ProblemContentType);

    /// <summary>
    /// Reads a JSON request body. On malformed JSON (or an empty body) writes a 400 problem and returns false;
    /// the caller then stops.
    /// </summary>
    public static async Task<(bool Ok, T? Body)> TryReadAsync<T>(HttpContext http, string what)
        where T : class
    {
        try
        {
            T? body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, CosmosStore.Json, http.RequestAborted);
            if (body is null)
            {
                await WriteProblemAsync(http, StatusCodes.Status400BadRequest, "malformed-request", $"Malformed {what}", "The body must be a JSON object.");
                return (false, null);
            }

            return (true, body);
        }
        catch (JsonException e)
        {
            await WriteProblemAsync(http, StatusCodes.Status400BadRequest, "malformed-request", $"Malformed {what}", e.Message);
            return (false, null);
        }
    }

    public static Task WriteUnavailableAsync(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = "10";
        return WriteProblemAsync(http, StatusCodes.Status503ServiceUnavailable, "state-store-unavailable",
            "State store unavailable", detail + " Nothing was lost: retry the request (Event Grid does so by itself).");
    }
}
