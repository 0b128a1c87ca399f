using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Http;

/// <summary>
/// Who may call the bridge, bound from <c>MesTms:Security</c>: the MES key for the webhook, the planner key for the planner
/// API and the dashboard's actions, one key per carrier (by SCAC) for tender answers. Each is optional locally (a route
/// whose key is not set is open) and all are required when <see cref="RequireKeys"/> is on (Azure: set by infra/).
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "MesTms:Security";

    /// <summary>Refuse to start unless the MES and planner keys are set; carrier routes then need a carrier key.</summary>
    public bool RequireKeys { get; set; }

    public string? MesKey { get; set; }

    public string? PlannerKey { get; set; }

    /// <summary>SCAC → that carrier's key. A carrier's key answers only that carrier's tenders.</summary>
    public Dictionary<string, string> CarrierKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public const int MinimumLength = 16;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach ((string name, string? key) in new[] { ("MesKey", MesKey), ("PlannerKey", PlannerKey) })
        {
            if (string.IsNullOrEmpty(key))
            {
                if (RequireKeys)
                {
                    problems.Add($"{Section}:{name} is required ({Section}:RequireKeys is on).");
                }
            }
            else if (key.Length < MinimumLength)
            {
                problems.Add($"{Section}:{name} must be at least {MinimumLength} characters.");
            }
        }

        foreach ((string scac, string key) in CarrierKeys)
        {
            if (!CarrierCode.IsScac(scac))
            {
                problems.Add($"{Section}:CarrierKeys:{scac}: '{scac}' is not a SCAC (2-4 letters).");
            }

            if (string.IsNullOrEmpty(key) || key.Length < MinimumLength)
            {
                problems.Add($"{Section}:CarrierKeys:{scac} must be at least {MinimumLength} characters.");
            }
        }

        List<string> keys = [.. new[] { MesKey, PlannerKey }.OfType<string>().Where(k => k.Length > 0), .. CarrierKeys.Values];
        if (keys.Count != keys.Distinct(StringComparer.Ordinal).Count())
        {
            problems.Add($"{Section}: every key must be different (one key per caller).");
        }

        return problems;
    }
}

/// <summary>The SCAC check of carrier keys (kept here so Http does not reach into the carrier feature).</summary>
public static class CarrierCode
{
    public static bool IsScac(string? code) => code is { Length: >= 2 and <= 4 } && code.All(char.IsAsciiLetter);
}

/// <summary>The caller as its key identifies it.</summary>
public sealed record ApiCaller(ApiAccess Role, string? Scac)
{
    /// <summary>Where <see cref="ApiKeys.Authorize"/> leaves the caller for the handler.</summary>
    public const string ItemKey = "mestms.caller";

    public static ApiCaller? Of(HttpContext http) => http.Items.TryGetValue(ItemKey, out object? caller) ? caller as ApiCaller : null;

    /// <summary>
    /// The carrier a request speaks for: a carrier known by its key is itself (a request naming none is its own), and one
    /// naming another carrier is refused with a 403 problem; without carrier keys, the carrier the request names.
    /// </summary>
    public static (string? Scac, IResult? Refusal) CarrierFor(HttpContext http, string? named, string what)
    {
        if (Of(http) is not { Scac: { } caller })
        {
            return (named, null);
        }

        return named is not null && !string.Equals(named, caller, StringComparison.OrdinalIgnoreCase)
            ? (null, HttpJson.Problem(StatusCodes.Status403Forbidden, "wrong-carrier", "Another carrier's key", $"The key is {caller}'s; it cannot {what} for {named}."))
            : (caller, null);
    }
}

/// <summary>
/// Checks the key of every request against its route's access, the same in both hosts. The key travels in
/// <c>x-api-key</c> (or <c>aeg-sas-key</c>, as Event Grid publishers send it). A missing or wrong key is a 401 problem;
/// the comparison takes the same time whatever the key.
/// </summary>
public sealed class ApiKeys(ApiKeyOptions options)
{
    public const string Header = "x-api-key";
    public const string EventGridHeader = "aeg-sas-key";

    public static readonly ApiKeys Open = new(new ApiKeyOptions());

    /// <summary>Null when the call may go on (its caller then recorded on the request), else the 401 to answer.</summary>
    public IResult? Authorize(HttpContext http, ApiAccess access)
    {
        string? presented = http.Request.Headers[Header].FirstOrDefault() is { Length: > 0 } header ? header : http.Request.Headers[EventGridHeader].FirstOrDefault();
        switch (access)
        {
            case ApiAccess.Anonymous:
                return null;
            case ApiAccess.Mes:
            case ApiAccess.Planner:
                string? expected = access == ApiAccess.Mes ? options.MesKey : options.PlannerKey;
                if (string.IsNullOrEmpty(expected))
                {
                    http.Items[ApiCaller.ItemKey] = new ApiCaller(access, null);
                    return null;
                }

                if (Same(presented, expected))
                {
                    http.Items[ApiCaller.ItemKey] = new ApiCaller(access, null);
                    return null;
                }

                return Unauthorized(presented, access == ApiAccess.Mes ? "the MES key" : "the planner key");
            case ApiAccess.Carrier:
                if (options.CarrierKeys.Count == 0 && !options.RequireKeys)
                {
                    http.Items[ApiCaller.ItemKey] = new ApiCaller(access, null);
                    return null;
                }

                foreach ((string scac, string key) in options.CarrierKeys)
                {
                    if (Same(presented, key))
                    {
                        http.Items[ApiCaller.ItemKey] = new ApiCaller(access, scac.ToUpperInvariant());
                        return null;
                    }
                }

                return Unauthorized(presented, "your carrier key");
            default:
                throw new ArgumentOutOfRangeException(nameof(access), access, "Unknown access.");
        }
    }

    static IResult Unauthorized(string? presented, string which) => new HttpJson.WithHeader(HttpJson.Problem(StatusCodes.Status401Unauthorized,
        "unauthorized", "Unauthorized", presented is null
            ? $"This route needs {which} in the {Header} header."
            : $"The key in the {Header} header is not {which}."), "WWW-Authenticate", $"ApiKey header=\"{Header}\"");

    static bool Same(string? presented, string expected)
    {
        if (presented is null)
        {
            return false;
        }

        byte[] a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        byte[] b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
