using System.Globalization;
using MesTms.Domain.Events;
using MesTms.Domain;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Http;

/// <summary>The plant of a route and its <c>?date=yyyy-MM-dd</c> (default: today, UTC, by the app's clock), checked once for every plant-day route.</summary>
public static class PlantDayQuery
{
    /// <returns>The day, or the 400 problem naming every bad value.</returns>
    public static (DateOnly Day, IResult? Refusal) Parse(HttpContext http, string plantId, TimeProvider clock)
    {
        var errors = new List<FieldError>();
        if (!OrderKey.IsValidIdentifier(plantId))
        {
            errors.Add(new FieldError("plantId", OrderKey.IdentifierRule));
        }

        DateOnly day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (http.Request.Query["date"].ToString() is { Length: > 0 } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            errors.Add(new FieldError("date", $"{MesEventValidator.Quote(text)} is not a date (yyyy-MM-dd)"));
        }

        return (day, errors.Count > 0 ? HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-query", "Invalid request", "See errors.", errors) : null);
    }
}
