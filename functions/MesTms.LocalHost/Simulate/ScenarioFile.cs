using System.Text;
using MesTms.Domain.Events;
using MesTms.Simulation.Replay;
using MesTms.Pipeline.Events;

namespace MesTms.LocalHost.Simulate;

/// <summary>An event of the scenario file that the webhook would refuse, and why.</summary>
public sealed record RefusedScenarioEvent(int Index, string? Id, IReadOnlyList<string> Errors);

/// <summary>The replayable events of a scenario file, ordered by when they happened, and those refused.</summary>
/// <param name="Raw">Each replayable event's JSON as in the file, in the order of <paramref name="Events"/>.</param>
public sealed record Scenario(string Path, IReadOnlyList<ScenarioEvent> Events, IReadOnlyList<RefusedScenarioEvent> Refused, IReadOnlyList<string> Raw)
{
    public int Completions => Events.Count(e => e.Event is ProductionCompletedEvent);
}

/// <summary>
/// Reads a scenario: a JSON array (a webhook batch of any size) or JSON Lines of MES CloudEvents, exactly as the webhook
/// accepts them. Each event goes through the webhook's own reader and validator; a refused event is reported with its
/// reasons and skipped. Events are ordered by their business time: <c>time</c>, else the time in their data.
/// </summary>
public static class ScenarioFile
{
    public static Scenario Read(string path) => Parse(path, ReadBytes(path));

    static byte[] ReadBytes(string path)
    {
        if (!File.Exists(path))
        {
            throw new ScenarioException($"Scenario file '{path}' does not exist.");
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>Reads scenario text (<paramref name="path"/> names it in messages).</summary>
    public static Scenario Parse(string path, byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.Length == 0)
        {
            throw new ScenarioException($"Scenario file '{path}' is empty.");
        }

        List<IncomingEvent> incoming = text[0] != '['
            ? ReadLines(text, path)
            : text[1..].TrimStart().StartsWith(']')
            ? []
            : Parse(Encoding.UTF8.GetBytes(text), path, "the file");
        var events = new List<(int Index, ScenarioEvent Event, string Raw)>();
        var refused = new List<RefusedScenarioEvent>();
        foreach (IncomingEvent element in incoming)
        {
            MesEventValidation validation = MesEventValidator.Validate(element.Envelope);
            if (element.IsSubscriptionValidation || !validation.IsValid)
            {
                refused.Add(new RefusedScenarioEvent(element.Index, element.Envelope.Id,
                    element.IsSubscriptionValidation ? ["an Event Grid subscription-validation event, not an MES event"] : validation.Errors.Select(e => e.ToString()).ToList()));
                continue;
            }

            MesEvent e = validation.Event!;
            events.Add((element.Index, new ScenarioEvent(e, e.Time ?? BusinessTime(e)), element.Raw));
        }

        var ordered = events.OrderBy(e => e.Event.At).ThenBy(e => e.Index).ToList();
        return new Scenario(path, ordered.Select(e => e.Event).ToList(), refused, ordered.Select(e => e.Raw).ToList());
    }

    /// <summary>When the event's data says it happened.</summary>
    public static DateTimeOffset BusinessTime(MesEvent e) => e switch
    {
        ProductionCompletedEvent c => c.Data.CompletedAt,
        QualityHoldPlacedEvent p => p.Data.PlacedAt,
        QualityHoldReleasedEvent r => r.Data.ReleasedAt,
        ProductionScheduledEvent s => s.Data.ExpectedCompletionAt,
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Type, "Unknown MES event."),
    };

    static List<IncomingEvent> ReadLines(string text, string path)
    {
        var events = new List<IncomingEvent>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            List<IncomingEvent> parsed = Parse(Encoding.UTF8.GetBytes(line), path, $"line {i + 1}");
            if (parsed.Count != 1)
            {
                throw new ScenarioException($"Scenario file '{path}', line {i + 1}: JSON Lines hold one event per line; this line holds {parsed.Count}.");
            }

            events.Add(parsed[0] with { Index = events.Count });
        }

        return events;
    }

    static List<IncomingEvent> Parse(byte[] json, string path, string where)
    {
        ParsedBody body = IncomingEventParser.Parse(json, maxEvents: int.MaxValue);
        return body.Error is { } error
            ? throw new ScenarioException($"Scenario file '{path}', {where}: {error}")
            : [.. body.Events];
    }
}

/// <summary>A scenario, settings file or flag the replay cannot work with: the CLI exits with code 2 and this message.</summary>
public sealed class ScenarioException(string message) : Exception(message);
