using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text;
using MesTms.Domain.Events;

namespace MesTms.Pipeline.Events;

/// <summary>One element of a webhook body: its raw JSON text and, where it could be read, its envelope.</summary>
public sealed record IncomingEvent(int Index, string Raw, CloudEventEnvelope Envelope, bool IsSubscriptionValidation, string? ValidationCode);

/// <summary>A webhook body split into events, or why it could not be (<see cref="TooManyEvents"/>: answer 413).</summary>
public sealed record ParsedBody(IReadOnlyList<IncomingEvent> Events, string? Error, bool TooManyEvents = false);

/// <summary>
/// Splits a webhook body into events. Accepts a CloudEvents batch (JSON array), a single CloudEvent, and the
/// Event Grid schema (for the subscription-validation handshake and for MES events sent in that schema: there
/// <c>eventType</c> is the type, <c>subject</c> the subject, and the source is built from the data's plant and line).
/// Reading is lenient: a malformed element still yields an envelope, which validation then refuses field by field.
/// One element's text that is not Unicode (a lone surrogate escape, invalid UTF-8) or an attribute that is not a
/// string refuses that element only, never its neighbours.
/// </summary>
public static class IncomingEventParser
{
    public const string SubscriptionValidationEventType = "Microsoft.EventGrid.SubscriptionValidationEvent";

    /// <summary>Event Grid delivers at most 5,000 events per batch; a request with more is refused before any work.</summary>
    public const int MaxEventsPerRequest = 5_000;

    /// <summary>CloudEvents context attributes that must be strings when present.</summary>
    static readonly string[] StringAttributes = ["id", "type", "source", "subject", "specversion", "time", "datacontenttype", "dataschema", "eventType", "eventTime"];

    /// <param name="maxEvents">At most this many elements (the webhook: <see cref="MaxEventsPerRequest"/>; a replayed history file: any).</param>
    public static ParsedBody Parse(ReadOnlyMemory<byte> body, int maxEvents = MaxEventsPerRequest)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return new ParsedBody([], $"The request body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            {
                return new ParsedBody([], "The request body must be a CloudEvent object or a JSON array of events.");
            }

            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > maxEvents)
            {
                return new ParsedBody([], $"The request holds {root.GetArrayLength()} events; at most {maxEvents} are accepted per request " +
                    "(Event Grid never sends more in one batch). Split it.", TooManyEvents: true);
            }

            IEnumerable<JsonElement> elements = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [root];
            var events = new List<IncomingEvent>();
            int index = 0;
            foreach (JsonElement element in elements)
            {
                events.Add(Read(index++, element));
            }

            return events.Count == 0 ? new ParsedBody([], "The request holds no events.") : new ParsedBody(events, null);
        }
    }

    static IncomingEvent Read(int index, JsonElement element)
    {
        string raw = RawText(element);
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new IncomingEvent(index, raw, new CloudEventEnvelope(null, null, null, null, null, null, null, null), false, null);
        }

        // Text that cannot be read as Unicode makes the event unreadable: refuse it with the field, read nothing else.
        var readErrors = new List<FieldError>();
        FindInvalidText(element, "", readErrors);
        if (readErrors.Count > 0)
        {
            return new IncomingEvent(index, raw, CloudEventEnvelope.Unreadable(readErrors), false, null);
        }

        foreach (string attribute in StringAttributes)
        {
            if (element.TryGetProperty(attribute, out JsonElement value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                readErrors.Add(new FieldError(attribute, $"must be a string, not {JsonValues.Describe(value)}"));
            }
        }

        (JsonElement? decoded, string? dataError) = element.TryGetProperty("data", out JsonElement d) ? (d.Clone(), null) : DecodeBase64Data(element);
        JsonElement? data = decoded;
        IReadOnlyList<FieldError>? errors = readErrors.Count > 0 ? readErrors : null;
        if (!element.TryGetProperty("specversion", out _) && element.TryGetProperty("eventType", out _))
        {
            string? eventType = Text(element, "eventType");
            if (eventType == SubscriptionValidationEventType)
            {
                string? code = data is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("validationCode", out JsonElement c) && c.ValueKind == JsonValueKind.String
                    ? c.GetString()
                    : null;
                return new IncomingEvent(index, raw, new CloudEventEnvelope(Text(element, "id"), eventType, null, null, null, null, null, data, ReadErrors: errors), true, code);
            }

            // Event Grid schema: no source attribute; the plant and line come from the data.
            string? source = data is { ValueKind: JsonValueKind.Object } ed
                ? $"/plants/{Text(ed, "plantId")}/lines/{Text(ed, "lineId")}"
                : null;
            return new IncomingEvent(index, raw, new CloudEventEnvelope(
                Text(element, "id"), eventType, source, Text(element, "subject"), "1.0", Text(element, "eventTime"), null, data, ReadErrors: errors), false, null);
        }

        return new IncomingEvent(index, raw, new CloudEventEnvelope(
            Text(element, "id"), Text(element, "type"), Text(element, "source"), Text(element, "subject"),
            Text(element, "specversion"), Text(element, "time"), Text(element, "datacontenttype"), data, dataError, errors), false, null);
    }

    /// <summary>CloudEvents JSON format: binary data travels as <c>data_base64</c>; MES data must still be a JSON object.</summary>
    static (JsonElement? Data, string? Error) DecodeBase64Data(JsonElement element)
    {
        if (!element.TryGetProperty("data_base64", out JsonElement encoded))
        {
            return (null, null);
        }

        if (encoded.ValueKind != JsonValueKind.String)
        {
            return (null, "must be a base64 string");
        }

        try
        {
            using JsonDocument decoded = JsonDocument.Parse(Convert.FromBase64String(encoded.GetString()!), new JsonDocumentOptions { MaxDepth = 64 });
            var errors = new List<FieldError>();
            FindInvalidText(decoded.RootElement, "data", errors);
            return errors.Count > 0
                ? (null, $"decodes to JSON whose {errors[0].Field} {errors[0].Message}")
                : (decoded.RootElement.Clone(), null);
        }
        catch (FormatException)
        {
            return (null, "is not valid base64");
        }
        catch (JsonException e)
        {
            return (null, $"does not decode to JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Names every string and member name below <paramref name="element"/> that is not valid Unicode: a lone UTF-16
    /// surrogate escape (<c>"\ud800"</c>) or bytes that are not UTF-8. System.Text.Json parses both and throws only when
    /// the text is read, so they are looked for here, once, before anything reads the event.
    /// </summary>
    static void FindInvalidText(JsonElement element, string path, List<FieldError> errors)
    {
        const string Invalid = "holds text that is not valid Unicode (a lone UTF-16 surrogate escape or bytes that are not UTF-8)";
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!IsReadable(element))
                {
                    errors.Add(new FieldError(path.Length == 0 ? "(value)" : path, Invalid));
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    FindInvalidText(item, $"{path}[{i++}]", errors);
                }

                break;
            case JsonValueKind.Object:
                int member = 0;
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string? name = NameOf(property);
                    string child = name is null ? $"{(path.Length == 0 ? "" : path + ".")}(member {member})" : path.Length == 0 ? name : $"{path}.{name}";
                    if (name is null)
                    {
                        errors.Add(new FieldError(child, "has a member name that " + Invalid));
                    }

                    FindInvalidText(property.Value, child, errors);
                    member++;
                }

                break;
        }
    }

    static bool IsReadable(JsonElement text)
    {
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The element's JSON text; bytes that are not UTF-8 become U+FFFD instead of throwing.</summary>
    static string RawText(JsonElement element) => Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(element));

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
