using System.Text.Json;
using System.Text.RegularExpressions;

namespace MesTms.Domain.Events;

/// <summary>The outcome of validating one incoming event: either a typed event or every reason it was refused.</summary>
public sealed record MesEventValidation(MesEvent? Event, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Event is not null && Errors.Count == 0;
}

/// <summary>
/// Validates CloudEvents against the MES event contract v1 (README "Event contract"). Every bad field is
/// named; nothing stops at the first error.
/// </summary>
public static partial class MesEventValidator
{
    public const int MaxIdLength = 128;
    public const int MaxHandlingUnitGroups = 500;

    static readonly string[] DimensionUnits = [Units.Inch, Units.Centimetre];
    static readonly string[] WeightUnits = [Units.Pound, Units.Kilogram];
    static readonly string[] PackingGroups = ["I", "II", "III"];

    /// <summary>A value quoted in a reason: at most 40 characters of it, so a hostile 200 kB string is not echoed back or logged.</summary>
    public static string Quote(string? text) => text is null ? "(none)"
        : text.Length <= 40 ? $"'{text}'"
        : $"'{text[..40]}…' ({text.Length} characters)";

    public static MesEventValidation Validate(CloudEventEnvelope envelope)
    {
        if (envelope.IsUnreadable)
        {
            // Not readable at all (text that is not Unicode): nothing else can be checked safely.
            return new MesEventValidation(null, envelope.ReadErrors ?? [new FieldError("(event)", "could not be read")]);
        }

        var errors = new List<FieldError>(envelope.ReadErrors ?? []);
        var unreadable = new HashSet<string>(errors.Select(e => e.Field), StringComparer.Ordinal);

        if (envelope.SpecVersion != "1.0" && !unreadable.Contains("specversion"))
        {
            errors.Add(new FieldError("specversion", envelope.SpecVersion is null ? "is required and must be \"1.0\"" : $"must be \"1.0\", not {Quote(envelope.SpecVersion)}"));
        }

        if (!unreadable.Contains("id") && IdProblem(envelope.Id) is { } idProblem)
        {
            errors.Add(new FieldError("id", idProblem));
        }

        bool knownType = envelope.Type is not null && MesEventTypes.All.Contains(envelope.Type);
        if (!knownType && !unreadable.Contains("type") && !unreadable.Contains("eventType"))
        {
            errors.Add(new FieldError("type", envelope.Type is null
                ? "is required"
                : $"{Quote(envelope.Type)} is not a known MES event type ({string.Join(", ", MesEventTypes.All)})"));
        }

        (string? sourcePlant, string? sourceLine) = unreadable.Contains("source") ? (null, null) : ParseSource(envelope.Source, errors);
        string? subjectOrder = unreadable.Contains("subject") ? null : ParseSubject(envelope.Subject, errors);

        DateTimeOffset? time = null;
        if (envelope.Time is not null)
        {
            (time, string? timeError) = Rfc3339.TryParse(envelope.Time);
            if (timeError is not null)
            {
                errors.Add(new FieldError("time", $"{Quote(envelope.Time)} {timeError}"));
            }
        }

        if (envelope.DataContentType is { } contentType && !IsJson(contentType))
        {
            errors.Add(new FieldError("datacontenttype", $"must be application/json, not {Quote(contentType)}"));
        }

        JsonFieldReader? data = null;
        if (envelope.DataError is { } dataError)
        {
            errors.Add(new FieldError("data_base64", dataError));
        }
        else
        {
            data = JsonFieldReader.ForObject(envelope.Data, "data", errors, required: true);
        }

        MesEvent? result = null;
        if (data is not null && knownType)
        {
            var ctx = new EnvelopeContext(envelope.Id ?? "", envelope.Source ?? "", envelope.Subject ?? "", time, sourcePlant, sourceLine, subjectOrder);
            result = envelope.Type switch
            {
                MesEventTypes.ProductionCompleted => ReadCompleted(data, ctx),
                MesEventTypes.QualityHoldPlaced => ReadHoldPlaced(data, ctx),
                MesEventTypes.QualityHoldReleased => ReadHoldReleased(data, ctx),
                MesEventTypes.ProductionScheduled => ReadScheduled(data, ctx),
                _ => null,
            };
        }

        return errors.Count == 0 && result is not null
            ? new MesEventValidation(result, [])
            : new MesEventValidation(null, errors);
    }

    /// <summary>What is wrong with an event id (null when nothing): required, 1-128 characters, no control characters.</summary>
    static string? IdProblem(string? id) =>
        string.IsNullOrWhiteSpace(id) ? "is required"
        : id.Length > MaxIdLength ? $"must be at most {MaxIdLength} characters"
        : id.Any(char.IsControl) ? "must not hold control characters"
        : null;

    sealed record EnvelopeContext(string Id, string Source, string Subject, DateTimeOffset? Time, string? Plant, string? Line, string? Order);

    static ProductionCompletedEvent? ReadCompleted(JsonFieldReader data, EnvelopeContext ctx)
    {
        (string? plant, string? line, string? order) = ReadOrderIdentity(data, ctx, lineRequired: true);
        DateTimeOffset? completedAt = data.Timestamp("completedAt");
        IReadOnlyList<HandlingUnit>? units = ReadHandlingUnits(data, required: true);
        Hazmat? hazmat = ReadHazmat(data, out bool hazmatOk);
        TemperatureRange? temperature = ReadTemperature(data, out bool temperatureOk);
        Destination? destination = ReadDestination(data, required: true);
        DateTimeOffset? requiredBy = data.Timestamp("requiredDeliveryBy");
        if (completedAt is not null && requiredBy is not null && requiredBy <= completedAt)
        {
            data.Error("requiredDeliveryBy", "must be later than completedAt");
            requiredBy = null;
        }

        if (plant is null || line is null || order is null || completedAt is null || units is null ||
            !hazmatOk || !temperatureOk || destination is null || requiredBy is null)
        {
            return null;
        }

        return new ProductionCompletedEvent(ctx.Id, ctx.Source, ctx.Subject, ctx.Time,
            new ProductionCompleted(plant, line, order, completedAt.Value, units, hazmat, temperature, destination, requiredBy.Value));
    }

    static QualityHoldPlacedEvent? ReadHoldPlaced(JsonFieldReader data, EnvelopeContext ctx)
    {
        (string? plant, string? line, string? order) = ReadOrderIdentity(data, ctx, lineRequired: false);
        string? holdId = data.Identifier("holdId");
        string? reason = data.String("reason", maxLength: 1000);
        DateTimeOffset? placedAt = data.Timestamp("placedAt");
        if (plant is null || order is null || holdId is null || reason is null || placedAt is null)
        {
            return null;
        }

        return new QualityHoldPlacedEvent(ctx.Id, ctx.Source, ctx.Subject, ctx.Time,
            new QualityHoldPlaced(plant, line, order, holdId, reason, placedAt.Value));
    }

    static QualityHoldReleasedEvent? ReadHoldReleased(JsonFieldReader data, EnvelopeContext ctx)
    {
        (string? plant, string? line, string? order) = ReadOrderIdentity(data, ctx, lineRequired: false);
        string? holdId = data.Identifier("holdId");
        DateTimeOffset? releasedAt = data.Timestamp("releasedAt");
        string? releasedBy = data.String("releasedBy", required: false);
        string? note = data.String("note", required: false, maxLength: 1000);
        if (plant is null || order is null || holdId is null || releasedAt is null)
        {
            return null;
        }

        return new QualityHoldReleasedEvent(ctx.Id, ctx.Source, ctx.Subject, ctx.Time,
            new QualityHoldReleased(plant, line, order, holdId, releasedAt.Value, releasedBy, note));
    }

    static ProductionScheduledEvent? ReadScheduled(JsonFieldReader data, EnvelopeContext ctx)
    {
        (string? plant, string? line, string? order) = ReadOrderIdentity(data, ctx, lineRequired: true);
        DateTimeOffset? expected = data.Timestamp("expectedCompletionAt");
        int before = ErrorCount(data);
        IReadOnlyList<HandlingUnit>? units = ReadHandlingUnits(data, required: false);
        Destination? destination = ReadDestination(data, required: false);
        DateTimeOffset? requiredBy = data.Timestamp("requiredDeliveryBy", required: false);
        Hazmat? hazmat = ReadHazmat(data, out _);
        TemperatureRange? temperature = ReadTemperature(data, out _);
        if (plant is null || line is null || order is null || expected is null || ErrorCount(data) != before)
        {
            return null;
        }

        return new ProductionScheduledEvent(ctx.Id, ctx.Source, ctx.Subject, ctx.Time,
            new ProductionScheduled(plant, line, order, expected.Value, units, destination, requiredBy, hazmat, temperature));
    }

    static int ErrorCount(JsonFieldReader data) => data.CountErrors();

    static (string? Plant, string? Line, string? Order) ReadOrderIdentity(JsonFieldReader data, EnvelopeContext ctx, bool lineRequired)
    {
        string? plant = data.Identifier("plantId");
        string? line = data.Identifier("lineId", lineRequired);
        string? order = data.Identifier("orderId");
        if (plant is not null && ctx.Plant is not null && plant != ctx.Plant)
        {
            data.Error("plantId", $"'{plant}' does not match the plant in source {Quote(ctx.Source)}");
            plant = null;
        }

        if (line is not null && ctx.Line is not null && line != ctx.Line)
        {
            data.Error("lineId", $"'{line}' does not match the line in source {Quote(ctx.Source)}");
            line = null;
        }

        if (order is not null && ctx.Order is not null && order != ctx.Order)
        {
            data.Error("orderId", $"'{order}' does not match the order in subject {Quote(ctx.Subject)}");
            order = null;
        }

        return (plant, line, order);
    }

    static IReadOnlyList<HandlingUnit>? ReadHandlingUnits(JsonFieldReader data, bool required)
    {
        IReadOnlyList<JsonFieldReader>? items = data.Array("handlingUnits", 1, MaxHandlingUnitGroups, required);
        if (items is null)
        {
            return null;
        }

        var units = new List<HandlingUnit>();
        foreach (JsonFieldReader item in items)
        {
            int? count = item.Integer("count", 1, 10_000);
            decimal? length = item.Number("length", 0, 2_000, exclusiveMin: true);
            decimal? width = item.Number("width", 0, 2_000, exclusiveMin: true);
            decimal? height = item.Number("height", 0, 2_000, exclusiveMin: true);
            string? dimensionUnit = item.OneOf("dimensionUnit", DimensionUnits);
            decimal? weight = item.Number("weight", 0, 100_000, exclusiveMin: true);
            string? weightUnit = item.OneOf("weightUnit", WeightUnits);
            bool? stackable = item.Boolean("stackable");
            if (count is null || length is null || width is null || height is null || dimensionUnit is null ||
                weight is null || weightUnit is null || stackable is null)
            {
                continue;
            }

            units.Add(new HandlingUnit(count.Value, length.Value, width.Value, height.Value, dimensionUnit, weight.Value, weightUnit, stackable.Value));
        }

        return units.Count == items.Count ? units : null;
    }

    static Hazmat? ReadHazmat(JsonFieldReader data, out bool ok)
    {
        int before = data.CountErrors();
        JsonFieldReader? hazmat = data.Object("hazmat", required: false);
        ok = data.CountErrors() == before;
        if (hazmat is null)
        {
            return null;
        }

        string? un = hazmat.String("unNumber", maxLength: 6);
        if (un is not null && !UnNumberPattern().IsMatch(un))
        {
            hazmat.Error("unNumber", $"{Quote(un)} is not a UN number (UN followed by four digits, e.g. UN1263)");
            un = null;
        }

        string? hazardClass = hazmat.String("hazardClass", maxLength: 4);
        if (hazardClass is not null && !HazardClassPattern().IsMatch(hazardClass))
        {
            hazmat.Error("hazardClass", $"{Quote(hazardClass)} is not a hazard class (1-9, with a division where the class has them, e.g. 2.1, 6.1)");
            hazardClass = null;
        }

        // Classes 2 and 7 (gases, radioactive material) have no packing group; every other class needs one.
        bool groupRequired = hazardClass is not null && !hazardClass.StartsWith('2') && !hazardClass.StartsWith('7');
        string? packingGroup = hazmat.OneOf("packingGroup", PackingGroups, groupRequired);
        ok = data.CountErrors() == before;
        return ok && un is not null && hazardClass is not null ? new Hazmat(un, hazardClass, packingGroup) : null;
    }

    static TemperatureRange? ReadTemperature(JsonFieldReader data, out bool ok)
    {
        int before = data.CountErrors();
        JsonFieldReader? temperature = data.Object("temperature", required: false);
        if (temperature is null)
        {
            ok = data.CountErrors() == before;
            return null;
        }

        decimal? min = temperature.Number("minCelsius", -40, 40);
        decimal? max = temperature.Number("maxCelsius", -40, 40);
        if (min is not null && max is not null && min > max)
        {
            temperature.Error("maxCelsius", "must not be lower than minCelsius");
        }

        ok = data.CountErrors() == before;
        return ok && min is not null && max is not null ? new TemperatureRange(min.Value, max.Value) : null;
    }

    static Destination? ReadDestination(JsonFieldReader data, bool required)
    {
        JsonFieldReader? destination = data.Object("destination", required);
        if (destination is null)
        {
            return null;
        }

        string? location = destination.Identifier("locationId");
        string? postalCode = destination.String("postalCode", maxLength: 16);
        string? country = destination.String("country", maxLength: 2);
        if (country is not null && !(CountryPattern().IsMatch(country) && IsoCountries.IsAssigned(country)))
        {
            destination.Error("country", $"{Quote(country)} is not an assigned ISO 3166-1 alpha-2 country code (e.g. US)");
            country = null;
        }

        return location is null || postalCode is null || country is null ? null : new Destination(location, postalCode, country);
    }

    static (string? Plant, string? Line) ParseSource(string? source, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            errors.Add(new FieldError("source", "is required (/plants/{plantId}/lines/{lineId})"));
            return (null, null);
        }

        Match match = SourcePattern().Match(source);
        if (!match.Success || !OrderKey.IsValidIdentifier(match.Groups[1].Value) || !OrderKey.IsValidIdentifier(match.Groups[2].Value))
        {
            errors.Add(new FieldError("source", $"{Quote(source)} does not have the form /plants/{{plantId}}/lines/{{lineId}}"));
            return (null, null);
        }

        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    static string? ParseSubject(string? subject, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(subject))
        {
            errors.Add(new FieldError("subject", "is required (orders/{orderId})"));
            return null;
        }

        Match match = SubjectPattern().Match(subject);
        if (!match.Success || !OrderKey.IsValidIdentifier(match.Groups[1].Value))
        {
            errors.Add(new FieldError("subject", $"{Quote(subject)} does not have the form orders/{{orderId}}"));
            return null;
        }

        return match.Groups[1].Value;
    }

    static bool IsJson(string contentType)
    {
        string mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
            mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("^/plants/([^/]+)/lines/([^/]+)$")]
    private static partial Regex SourcePattern();

    [GeneratedRegex("^orders/([^/]+)$")]
    private static partial Regex SubjectPattern();

    [GeneratedRegex("^UN[0-9]{4}$")]
    private static partial Regex UnNumberPattern();

    [GeneratedRegex("^([1-9]|1\\.[1-6]|2\\.[1-3]|4\\.[1-3]|5\\.[1-2]|6\\.[1-2])$")]
    private static partial Regex HazardClassPattern();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();
}
