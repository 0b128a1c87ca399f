using MesTms.Domain.Edi;

namespace MesTms.Pipeline.Carriers;

/// <summary>
/// One carrier that trades X12 004010 (<c>MesTms:Carriers:Edi:{SCAC}</c>): the interchange ids on both sides, and how
/// documents travel — POSTed to <see cref="Endpoint"/> (its answer body may carry X12 back, e.g. a 997), or written to
/// <see cref="DropFolder"/><c>/outbound</c> and read from <see cref="DropFolder"/><c>/inbound</c>. Inbound X12 also comes
/// to <c>POST /api/carriers/{scac}/edi</c> with the carrier's key.
/// </summary>
public sealed class EdiPartnerOptions
{
    /// <summary>Our interchange sender id (ISA06 / GS02), at most 15 characters.</summary>
    public string SenderId { get; set; } = "MESTMS";

    public string SenderQualifier { get; set; } = "ZZ";

    /// <summary>The carrier's receiver id (ISA08 / GS03); empty: its SCAC.</summary>
    public string? ReceiverId { get; set; }

    public string ReceiverQualifier { get; set; } = "ZZ";

    /// <summary>ISA15: P production or T test.</summary>
    public string Usage { get; set; } = "P";

    /// <summary>The carrier's X12 endpoint (HTTP POST, <c>application/edi-x12</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>A folder shared with the carrier (or its VAN client): <c>outbound/</c> for our documents, <c>inbound/</c> for theirs.</summary>
    public string? DropFolder { get; set; }

    /// <summary>Separators of what we write: element, component, segment terminator (e.g. <c>*&gt;~</c>, or <c>|:\n</c> spelled <c>|:~</c>).</summary>
    public string Separators { get; set; } = "*>~";

    public string Receiver(string scac) => string.IsNullOrWhiteSpace(ReceiverId) ? scac : ReceiverId;

    public X12Delimiters Delimiters => new(Separators[0], Separators[1], Separators[2], '^');

    public IReadOnlyList<string> Validate(string scac)
    {
        string at = $"{CarrierOptions.Section}:Edi:{scac}";
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Endpoint) == string.IsNullOrWhiteSpace(DropFolder))
        {
            problems.Add($"{at}: set exactly one of Endpoint (HTTP) or DropFolder");
        }
        else if (Endpoint is { Length: > 0 } endpoint && !(Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add($"{at}:Endpoint '{endpoint}' is not an absolute http(s) URL");
        }

        if (SenderId.Length is 0 or > 15 || Receiver(scac).Length > 15 || SenderQualifier.Length != 2 || ReceiverQualifier.Length != 2)
        {
            problems.Add($"{at}: SenderId and ReceiverId must be 1-15 characters, the qualifiers 2");
        }

        if (Usage is not ("P" or "T"))
        {
            problems.Add($"{at}:Usage must be P (production) or T (test)");
        }

        if (Separators.Length != 3 || Delimiters.Problems() is { Count: > 0 })
        {
            problems.Add($"{at}:Separators must be three different characters (element, component, segment), e.g. *>~");
        }

        return problems;
    }
}
