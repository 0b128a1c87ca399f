using System.Globalization;
using System.Text;

namespace MesTms.Domain.Edi;

/// <summary>The four separators of an X12 interchange, as its ISA segment declares them.</summary>
public sealed record X12Delimiters(char Element, char Component, char Segment, char? Repetition)
{
    /// <summary>What most carriers send: <c>*</c>, <c>&gt;</c>, <c>~</c> and <c>^</c>.</summary>
    public static readonly X12Delimiters Standard = new('*', '>', '~', '^');

    public IReadOnlyList<string> Problems()
    {
        var all = new List<char> { Element, Component, Segment };
        if (Repetition is { } r)
        {
            all.Add(r);
        }

        var problems = new List<string>();
        if (all.Distinct().Count() != all.Count)
        {
            problems.Add("the element, component, segment and repetition separators must all differ");
        }

        if (all.Any(char.IsLetterOrDigit) || all.Any(c => c == ' '))
        {
            problems.Add("separators may not be letters, digits or spaces");
        }

        return problems;
    }
}

/// <summary>A malformed or inconsistent X12 document: names the segment, its position (1-based, in the interchange) and the element.</summary>
public sealed class X12Exception(string message, string? segmentId = null, int? position = null, int? element = null, string? code = null)
    : FormatException(Describe(message, segmentId, position, element))
{
    public string? SegmentId { get; } = segmentId;

    /// <summary>What is wrong, without the segment and position in front (<see cref="Exception.Message"/> has them).</summary>
    public string Reason { get; } = message;

    /// <summary>The same error placed at a segment position (e.g. within its transaction set, ST being 1, as a 997's AK3-02 counts).</summary>
    public X12Exception At(int position) => new(Reason, SegmentId, position, Element, Code);

    /// <summary>The segment's position in the interchange, 1-based (ISA is 1), or within its transaction set where a reader of one says so.</summary>
    public int? Position { get; } = position;

    /// <summary>The element's position in its segment, 1-based (ISA01 is 1).</summary>
    public int? Element { get; } = element;

    /// <summary>The 997 code that fits (AK5/AK9 syntax error codes), when one does.</summary>
    public string? Code { get; } = code;

    static string Describe(string message, string? segmentId, int? position, int? element) =>
        segmentId is null ? message
            : $"{segmentId}{(element is { } e ? e.ToString("00", CultureInfo.InvariantCulture) : "")}{(position is { } p ? $" (segment {p})" : "")}: {message}";
}

/// <summary>One segment: its id and its elements (<c>[1]</c> is the first element after the id, as X12 numbers them).</summary>
public sealed record X12Segment(string Id, IReadOnlyList<string> Elements)
{
    public static X12Segment Of(string id, params string?[] elements) => new(id, elements.Select(e => e ?? "").ToList());

    /// <summary>Element <paramref name="position"/> (1-based), or "" when the segment is shorter.</summary>
    public string this[int position] => position >= 1 && position <= Elements.Count ? Elements[position - 1] : "";

    /// <summary>The components of element <paramref name="position"/>.</summary>
    public IReadOnlyList<string> Components(int position, X12Delimiters delimiters) => this[position].Split(delimiters.Component);

    /// <summary>The segment as text, trailing empty elements dropped, as X12 requires.</summary>
    public string ToText(X12Delimiters delimiters)
    {
        int last = Elements.Count;
        while (last > 0 && Elements[last - 1].Length == 0)
        {
            last--;
        }

        var text = new StringBuilder(Id);
        for (int i = 0; i < last; i++)
        {
            string value = Elements[i];
            if (value.IndexOfAny([delimiters.Element, delimiters.Segment]) >= 0)
            {
                throw new X12Exception($"element {i + 1} holds a separator character ('{value}')", Id, null, i + 1);
            }

            text.Append(delimiters.Element).Append(value);
        }

        return text.ToString();
    }
}

/// <summary>One transaction set (ST…SE): its code (204, 990, 214, 997), control number and body segments (ST and SE excluded).</summary>
public sealed record X12Transaction(string Code, string ControlNumber, IReadOnlyList<X12Segment> Segments)
{
    public IEnumerable<X12Segment> All(string id) => Segments.Where(s => s.Id == id);

    public X12Segment? First(string id) => Segments.FirstOrDefault(s => s.Id == id);
}

/// <summary>A functional group (GS…GE): functional id (SM 204, GF 990, QM 214, FA 997), sender, receiver, control number, version.</summary>
public sealed record X12Group(string FunctionalId, string Sender, string Receiver, DateTimeOffset Date, string ControlNumber, string Version, IReadOnlyList<X12Transaction> Transactions);

/// <summary>
/// One interchange (ISA…IEA) as read or to be written: sender and receiver (with their id qualifiers), date, control number,
/// usage (P production, T test), whether a TA1 is asked for, the separators, and its functional groups.
/// </summary>
public sealed record X12Interchange(
    string SenderQualifier, string Sender, string ReceiverQualifier, string Receiver, DateTimeOffset Date, string ControlNumber,
    char Usage, bool AcknowledgmentRequested, X12Delimiters Delimiters, IReadOnlyList<X12Group> Groups)
{
    public const string Version = "00401";
    public const string GroupVersion = "004010";

    public IEnumerable<X12Transaction> Transactions => Groups.SelectMany(g => g.Transactions);
}

/// <summary>
/// Reads X12 004010 interchanges: the separators from the ISA segment (element separator at position 4, component
/// separator ISA16, repetition ISA11, the segment terminator right after ISA16, line breaks after it allowed), then
/// GS/ST envelopes checked against their trailers (control numbers, counts). Segments a carrier adds inside a transaction
/// are kept; anything outside an envelope, a missing trailer or a count that does not match is an <see cref="X12Exception"/>
/// naming the segment and its position.
/// </summary>
public static class X12Reader
{
    public static X12Interchange Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (!trimmed.StartsWith("ISA", StringComparison.Ordinal) || trimmed.Length < 106)
        {
            throw new X12Exception("an interchange starts with a 106-character ISA segment", "ISA", 1, code: "022");
        }

        char element = trimmed[3];
        string[] isa = trimmed[..106].Split(element);
        if (isa.Length != 17)
        {
            throw new X12Exception($"ISA has {isa.Length - 1} elements, not 16 (element separator '{element}')", "ISA", 1, code: "022");
        }

        // The last piece of the fixed-width ISA is ISA16 (the component separator) followed by the segment terminator.
        if (isa[16].Length != 2)
        {
            throw new X12Exception($"ISA16 must be one component separator character followed by the segment terminator, not '{isa[16]}'", "ISA", 1, 16, "022");
        }

        char component = isa[16][0];
        char segment = trimmed[105];
        char? repetition = isa[11] is { Length: 1 } r && r != "U" ? r[0] : null;
        var delimiters = new X12Delimiters(element, component, segment, repetition);
        if (delimiters.Problems() is { Count: > 0 } problems)
        {
            throw new X12Exception(string.Join("; ", problems), "ISA", 1, code: "022");
        }

        List<X12Segment> segments = trimmed.Split(segment)
            .Select(s => s.Trim('\r', '\n'))
            .Where(s => s.Length > 0)
            .Select(s => s.Split(element))
            .Select(parts => new X12Segment(parts[0].Trim(), parts.Skip(1).ToList()))
            .ToList();
        return Parse(segments, delimiters);
    }

    static X12Interchange Parse(List<X12Segment> segments, X12Delimiters delimiters)
    {
        X12Segment isa = segments[0];
        for (int i = 0; i < segments.Count; i++)
        {
            if (segments[i].Id is not { Length: >= 2 and <= 3 } id || !id.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetterUpper(id[0]))
            {
                throw new X12Exception($"'{Short(segments[i].Id)}' is not a segment id", segments[i].Id, i + 1, code: "024");
            }
        }

        Require(isa, 1, 12, "00401", "the interchange version must be 00401 (X12 004010)");
        string control = Number(isa, 1, 13, 9);
        DateTimeOffset date = Date(isa, 1, 9, 10, "yyMMdd");
        var groups = new List<X12Group>();
        int at = 1;
        while (at < segments.Count && segments[at].Id == "GS")
        {
            (X12Group group, at) = ReadGroup(segments, at);
            groups.Add(group);
        }

        Trailer(segments, at, "IEA", "GS", groups.Count, "functional group(s)", "interchange", isa, 13);
        if (at + 1 < segments.Count)
        {
            throw new X12Exception($"{segments[at + 1].Id} after IEA: one interchange per document", segments[at + 1].Id, at + 2, code: "023");
        }

        return new X12Interchange(isa[5].Trim(), isa[6].Trim(), isa[7].Trim(), isa[8].Trim(), date, control, isa[15].Trim() is { Length: 1 } u ? u[0] : 'P',
            isa[14] == "1", delimiters, groups);
    }

    static (X12Group, int) ReadGroup(List<X12Segment> segments, int at)
    {
        X12Segment gs = segments[at];
        int gsAt = at + 1;
        string control = Number(gs, gsAt, 6, 9);
        Require(gs, gsAt, 8, X12Interchange.GroupVersion, "the group version must be 004010");
        DateTimeOffset date = Date(gs, gsAt, 4, 5, "yyyyMMdd");
        var transactions = new List<X12Transaction>();
        at++;
        while (at < segments.Count && segments[at].Id == "ST")
        {
            X12Segment st = segments[at];
            int stAt = at + 1;
            var body = new List<X12Segment>();
            at++;
            while (at < segments.Count && segments[at].Id is not ("SE" or "ST" or "GE" or "IEA"))
            {
                body.Add(segments[at]);
                at++;
            }

            if (at >= segments.Count || segments[at].Id != "SE")
            {
                throw new X12Exception($"transaction set {st[2]} has no SE trailer", "ST", stAt, code: "2");
            }

            X12Segment se = segments[at];
            if (Count(se, at + 1, 1) != body.Count + 2)
            {
                throw new X12Exception($"SE01 counts {se[1]} segment(s), the transaction set has {body.Count + 2} (ST and SE included)", "SE", at + 1, 1, "4");
            }

            if (st[2].Length is < 4 or > 9)
            {
                throw new X12Exception($"ST02 '{st[2]}' must be a control number of 4-9 characters", "ST", stAt, 2, "7");
            }

            if (se[2] != st[2])
            {
                throw new X12Exception($"SE02 '{se[2]}' does not match ST02 '{st[2]}'", "SE", at + 1, 2, "3");
            }

            transactions.Add(new X12Transaction(st[1], st[2], body));
            at++;
        }

        Trailer(segments, at, "GE", "ST", transactions.Count, "transaction set(s)", "group", gs, 6);
        return (new X12Group(gs[1], gs[2], gs[3], date, control, gs[8], transactions), at + 1);
    }

    /// <summary>
    /// The trailer that closes an envelope (IEA, GE): it must come next, count what the envelope holds and repeat the control
    /// number of its header.
    /// </summary>
    static void Trailer(List<X12Segment> segments, int at, string id, string orNext, int count, string counted, string holder, X12Segment header, int headerControl)
    {
        if (at >= segments.Count || segments[at].Id != id)
        {
            string found = at < segments.Count ? segments[at].Id : "the end";
            throw new X12Exception($"expected {orNext} or {id}, found {found}", at < segments.Count ? segments[at].Id : id, at + 1, code: "023");
        }

        X12Segment trailer = segments[at];
        if (Count(trailer, at + 1, 1) != count)
        {
            throw new X12Exception($"{id}01 counts {trailer[1]} {counted}, the {holder} has {count}", id, at + 1, 1, "5");
        }

        string control = header[headerControl];
        if (trailer[2] != control)
        {
            throw new X12Exception($"{id}02 '{trailer[2]}' does not match {header.Id}{headerControl:00} '{control}'", id, at + 1, 2, "4");
        }
    }

    static void Require(X12Segment segment, int position, int element, string expected, string message)
    {
        if (segment[element].Trim() != expected)
        {
            throw new X12Exception($"{message}, not '{Short(segment[element])}'", segment.Id, position, element);
        }
    }

    static string Number(X12Segment segment, int position, int element, int maxLength)
    {
        string value = segment[element].Trim();
        if (value.Length is 0 || value.Length > maxLength || !value.All(char.IsAsciiDigit))
        {
            throw new X12Exception($"must be a control number of 1-{maxLength} digits, not '{Short(value)}'", segment.Id, position, element, "6");
        }

        return value;
    }

    static int Count(X12Segment segment, int position, int element) =>
        int.TryParse(segment[element], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            ? count
            : throw new X12Exception($"must be a count, not '{Short(segment[element])}'", segment.Id, position, element, "6");

    static DateTimeOffset Date(X12Segment segment, int position, int dateElement, int timeElement, string dateFormat)
    {
        string text = segment[dateElement] + segment[timeElement][..Math.Min(4, segment[timeElement].Length)];
        return DateTime.TryParseExact(text, dateFormat + "HHmm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : throw new X12Exception($"'{Short(segment[dateElement])}' '{Short(segment[timeElement])}' is not a date and time ({dateFormat}, HHmm)", segment.Id, position, dateElement, "8");
    }

    static string Short(string value) => value.Length > 20 ? value[..20] + "…" : value;
}

/// <summary>
/// Writes X12 004010 interchanges: ISA with its fixed-width fields padded, GS/ST envelopes with trailers counted and
/// control numbers matched, the separators given (one segment per line when <paramref name="lineBreaks"/> is set, as
/// many carriers like to read them).
/// </summary>
public static class X12Writer
{
    public static string Write(X12Interchange interchange, bool lineBreaks = true)
    {
        X12Delimiters d = interchange.Delimiters;
        if (d.Problems() is { Count: > 0 } problems)
        {
            throw new X12Exception(string.Join("; ", problems), "ISA", 1);
        }

        string end = d.Segment + (lineBreaks ? "\n" : "");
        var text = new StringBuilder();
        DateTimeOffset at = interchange.Date.ToUniversalTime();
        string[] isa =
        [
            "00", Pad("", 10), "00", Pad("", 10),
            Pad(interchange.SenderQualifier, 2), Pad(interchange.Sender, 15), Pad(interchange.ReceiverQualifier, 2), Pad(interchange.Receiver, 15),
            at.ToString("yyMMdd", CultureInfo.InvariantCulture), at.ToString("HHmm", CultureInfo.InvariantCulture),
            d.Repetition?.ToString() ?? "U", X12Interchange.Version, Control(interchange.ControlNumber, 9), interchange.AcknowledgmentRequested ? "1" : "0",
            interchange.Usage.ToString(), d.Component.ToString(),
        ];
        text.Append("ISA").Append(d.Element).Append(string.Join(d.Element, isa)).Append(end);
        foreach (X12Group group in interchange.Groups)
        {
            DateTimeOffset groupAt = group.Date.ToUniversalTime();
            text.Append(X12Segment.Of("GS", group.FunctionalId, group.Sender, group.Receiver, groupAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                groupAt.ToString("HHmm", CultureInfo.InvariantCulture), group.ControlNumber, "X", X12Interchange.GroupVersion).ToText(d)).Append(end);
            foreach (X12Transaction transaction in group.Transactions)
            {
                string control = transaction.ControlNumber.PadLeft(4, '0');
                text.Append(X12Segment.Of("ST", transaction.Code, control).ToText(d)).Append(end);
                foreach (X12Segment segment in transaction.Segments)
                {
                    text.Append(segment.ToText(d)).Append(end);
                }

                text.Append(X12Segment.Of("SE", (transaction.Segments.Count + 2).ToString(CultureInfo.InvariantCulture), control).ToText(d)).Append(end);
            }

            text.Append(X12Segment.Of("GE", group.Transactions.Count.ToString(CultureInfo.InvariantCulture), group.ControlNumber).ToText(d)).Append(end);
        }

        text.Append(X12Segment.Of("IEA", interchange.Groups.Count.ToString(CultureInfo.InvariantCulture), Control(interchange.ControlNumber, 9)).ToText(d)).Append(end);
        return text.ToString();
    }

    static string Pad(string value, int width) => value.Length > width
        ? throw new X12Exception($"'{value}' is longer than its {width}-character ISA field", "ISA", 1)
        : value.PadRight(width);

    static string Control(string value, int width) => value.Length > width || !value.All(char.IsAsciiDigit)
        ? throw new X12Exception($"control number '{value}' must be 1-{width} digits", "ISA", 1, 13)
        : value.PadLeft(width, '0');
}
