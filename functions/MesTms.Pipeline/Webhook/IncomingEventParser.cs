using System.Text.Json;
using MesTms.Domain.Events;

namespace MesTms.Pipeline.Webhook;

/// <summary>One element of a webhook body: its raw JSON text and, where it could be read, its envelope.</summary>
public sealed record IncomingEvent(int Index, string Raw, CloudEventEnvelope Envelope, bool IsSubscriptionValidation, string? ValidationCode);

/// <summary>
/// Splits a webhook body into events. Accepts a CloudEvents batch (JSON array), a single CloudEvent, and the
/// Event Grid schema (for the subscription-validation handshake and for MES events sent in that schema: there
/// <c>eventType</c> is the type, <c>subject</c> the subject, and the source is built from the data's plant and line).
/// Reading is lenient: a malformed element still yields an envelope, which validation then refuses field by field.
/// </summary>
public static class IncomingEventParser
{
    public const string SubscriptionValidationEventType = "Microsoft.EventGrid.SubscriptionValidationEvent";

    /// <summary>Returns the events, or an error message when the body is not a JSON object or array.</summary>
    public static (IReadOnlyList<IncomingEvent> Events, string? Error) Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return ([], $"The request body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            IEnumerable<JsonElement> elements = root.ValueKind switch
            {
                JsonValueKind.Array => root.EnumerateArray(),
                JsonValueKind.Object => [root],
                _ => [],
            };
            if (root.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            {
                return ([], "The request body must be a CloudEvent object or a JSON array of events.");
            }

            var events = new List<IncomingEvent>();
            int index = 0;
            foreach (JsonElement element in elements)
            {
                events.Add(Read(index++, element));
            }

            return events.Count == 0 ? ([], "The request holds no events.") : (events, null);
        }
    }

    static IncomingEvent Read(int index, JsonElement element)
    {
        string raw = element.GetRawText();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new IncomingEvent(index, raw, new CloudEventEnvelope(null, null, null, null, null, null, null, null), false, null);
        }

        (JsonElement? decoded, string? dataError) = element.TryGetProperty("data", out JsonElement d) ? (d.Clone(), null) : DecodeBase64Data(element);
        JsonElement? data = decoded;
        if (!element.TryGetProperty("specversion", out _) && element.TryGetProperty("eventType", out _))
        {
            string? eventType = Text(element, "eventType");
            if (eventType == SubscriptionValidationEventType)
            {
                string? code = data is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("validationCode", out JsonElement c) && c.ValueKind == JsonValueKind.String
                    ? c.GetString()
                    : null;
                return new IncomingEvent(index, raw, new CloudEventEnvelope(Text(element, "id"), eventType, null, null, null, null, null, data), true, code);
            }

            // Event Grid schema: no source attribute; the plant and line come from the data.
            string? source = data is { ValueKind: JsonValueKind.Object } ed
                ? $"/plants/{Text(ed, "plantId")}/lines/{Text(ed, "lineId")}"
                : null;
            return new IncomingEvent(index, raw, new CloudEventEnvelope(
                Text(element, "id"), eventType, source, Text(element, "subject"), "1.0", Text(element, "eventTime"), null, data), false, null);
        }

        return new IncomingEvent(index, raw, new CloudEventEnvelope(
            Text(element, "id"), Text(element, "type"), Text(element, "source"), Text(element, "subject"),
            Text(element, "specversion"), Text(element, "time"), Text(element, "datacontenttype"), data, dataError), false, null);
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
            using JsonDocument decoded = JsonDocument.Parse(Convert.FromBase64String(encoded.GetString()!));
            return (decoded.RootElement.Clone(), null);
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

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        } : null;
}
