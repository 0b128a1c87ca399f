using System.Globalization;
using System.Text.Json;

namespace MesTms.Domain.Events;

/// <summary>
/// Reads members of a JSON object and records one <see cref="FieldError"/> per bad field instead of stopping
/// at the first, so a sender learns everything that is wrong with an event at once.
/// </summary>
internal sealed class JsonFieldReader(JsonElement element, string path, List<FieldError> errors)
{
    public string Path => path;

    /// <summary>How many errors the whole event has so far (the list is shared by every reader of one event).</summary>
    public int CountErrors() => errors.Count;

    public static JsonFieldReader? ForObject(JsonElement? element, string path, List<FieldError> errors, bool required)
    {
        if (element is not { } e || e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            if (required)
            {
                errors.Add(new FieldError(path, "is required"));
            }

            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(path, $"must be an object, not {Describe(e)}"));
            return null;
        }

        return new JsonFieldReader(e, path, errors);
    }

    public JsonElement? Member(string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string Field(string name) => $"{path}.{name}";

    public void Error(string name, string message) => errors.Add(new FieldError(Field(name), message));

    public string? String(string name, bool required = true, int maxLength = 256)
    {
        JsonElement? value = Member(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.String)
        {
            Error(name, $"must be a string, not {Describe(value.Value)}");
            return null;
        }

        string text = value.Value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            Error(name, "must not be empty");
            return null;
        }

        if (text.Length > maxLength)
        {
            Error(name, $"must be at most {maxLength} characters");
            return null;
        }

        return text;
    }

    public string? Identifier(string name, bool required = true)
    {
        string? text = String(name, required, 64);
        if (text is not null && !OrderKey.IsValidIdentifier(text))
        {
            Error(name, $"{MesEventValidator.Quote(text)} is not a valid identifier ({OrderKey.IdentifierRule})");
            return null;
        }

        return text;
    }

    public DateTimeOffset? Timestamp(string name, bool required = true)
    {
        string? text = String(name, required, 64);
        if (text is null)
        {
            return null;
        }

        (DateTimeOffset? parsed, string? error) = Rfc3339.TryParse(text);
        if (error is not null)
        {
            Error(name, $"{MesEventValidator.Quote(text)} {error}");
        }

        return parsed;
    }

    public decimal? Number(string name, decimal min, decimal max, bool exclusiveMin = false, bool required = true)
    {
        JsonElement? value = Member(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetDecimal(out decimal number))
        {
            Error(name, $"must be a number, not {Describe(value.Value)}");
            return null;
        }

        bool tooLow = exclusiveMin ? number <= min : number < min;
        if (tooLow || number > max)
        {
            string lower = exclusiveMin ? $"greater than {min.ToString(CultureInfo.InvariantCulture)}" : $"at least {min.ToString(CultureInfo.InvariantCulture)}";
            Error(name, $"must be {lower} and at most {max.ToString(CultureInfo.InvariantCulture)}, not {number.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return number;
    }

    public int? Integer(string name, int min, int max)
    {
        decimal? number = Number(name, min, max);
        if (number is null)
        {
            return null;
        }

        if (number.Value != decimal.Truncate(number.Value))
        {
            Error(name, "must be a whole number");
            return null;
        }

        return (int)number.Value;
    }

    public bool? Boolean(string name)
    {
        JsonElement? value = Member(name);
        if (value is null)
        {
            Error(name, "is required");
            return null;
        }

        if (value.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(name, $"must be true or false, not {Describe(value.Value)}");
            return null;
        }

        return value.Value.GetBoolean();
    }

    public string? OneOf(string name, IReadOnlyCollection<string> allowed, bool required = true)
    {
        string? text = String(name, required, 32);
        if (text is not null && !allowed.Contains(text))
        {
            Error(name, $"{MesEventValidator.Quote(text)} is not one of: {string.Join(", ", allowed)}");
            return null;
        }

        return text;
    }

    public IReadOnlyList<JsonFieldReader>? Array(string name, int minItems, int maxItems, bool required = true)
    {
        JsonElement? value = Member(name);
        if (value is null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"must be an array, not {Describe(value.Value)}");
            return null;
        }

        int length = value.Value.GetArrayLength();
        if (length < minItems || length > maxItems)
        {
            Error(name, $"must hold {minItems} to {maxItems} items, not {length}");
            return null;
        }

        var readers = new List<JsonFieldReader>();
        int index = 0;
        foreach (JsonElement item in value.Value.EnumerateArray())
        {
            JsonFieldReader? reader = ForObject(item, $"{Field(name)}[{index}]", errors, required: true);
            if (reader is not null)
            {
                readers.Add(reader);
            }

            index++;
        }

        return readers.Count == length ? readers : null;
    }

    public JsonFieldReader? Object(string name, bool required) => ForObject(Member(name), Field(name), errors, required);

    static string Describe(JsonElement element) => JsonValues.Describe(element);
}

/// <summary>Words for JSON values in reasons, shared by the event validator and the webhook's parser.</summary>
public static class JsonValues
{
    /// <summary>What kind of JSON value an element is: "a string", "a number", "a boolean", "an array", "an object" or "null".</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
