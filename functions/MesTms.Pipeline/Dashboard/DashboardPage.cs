using System.Reflection;
using MesTms.Pipeline.Http;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Dashboard;

/// <summary>
/// The planners' dashboard: one self-contained HTML page (its CSS and script inline, nothing fetched from elsewhere),
/// served at <c>/</c> by the local host and at <c>/api/dashboard</c> by both hosts. The page itself holds no data; it
/// reads the board with the planner key (asked for when the bridge requires it) and follows it live.
/// </summary>
public static class DashboardPage
{
    const string Resource = "MesTms.Pipeline.Dashboard.dashboard.html";

    static readonly Lazy<string> Html = new(() =>
    {
        using Stream stream = typeof(DashboardPage).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The dashboard page ({Resource}) is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetDashboard", "dashboard", call => Task.FromResult(Serve(call.Http)), ApiAccess.Anonymous)
            .Documented(new ApiDoc("Dashboard", "The planners' dashboard page",
                "The HTML page: door timeline, loads, holds, decisions, rejected events and notifications, live; release holds and re-tender from it.",
                [new ApiAnswer(200, "The page.", typeof(string), "text/html")])),
    ];

    public static IResult Serve(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-cache";
        // Nothing but the bridge itself: the page's own inline script and style, and calls back to the same origin.
        http.Response.Headers["Content-Security-Policy"] =
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
        return Results.Content(Html.Value, "text/html; charset=utf-8");
    }
}
