using MesTms.Domain.Edi;

namespace MesTms.Domain.Tests;

/// <summary>The X12 004010 envelope reader and writer: round trips, other separators, extra segments, and errors that name segment and position.</summary>
public sealed class X12Tests
{
    static readonly DateTimeOffset At = new(2026, 12, 2, 14, 5, 0, TimeSpan.Zero);

    static X12Interchange Tender(X12Delimiters delimiters) => new("ZZ", "MESTMSP100", "02", "SWFL", At, "000000905", 'T', true, delimiters,
    [
        new X12Group("SM", "MESTMSP100", "SWFL", At, "905", "004010",
        [
            new X12Transaction("204", "0001",
            [
                X12Segment.Of("B2", null, "SWFL", null, "P100.PO-1001.T1", null, "PP"),
                X12Segment.Of("B2A", "00", "LT"),
                X12Segment.Of("L11", "PO-1001", "PO"),
                X12Segment.Of("G62", "64", "20261202", "1", "1600"),
                X12Segment.Of("AT5", null, null, null, "TMP", "2>8"),
                X12Segment.Of("S5", "1", "LD", "18000", "L", "18", "PLT"),
                X12Segment.Of("N1", "SH", "Plant P100", "93", "P100"),
                X12Segment.Of("N4", "Indianapolis", "IN", "46218", "US"),
                X12Segment.Of("L3", "18000", "G"),
            ]),
        ]),
    ]);

    [Fact]
    public void A_load_tender_written_with_the_standard_separators_reads_back_the_same()
    {
        X12Interchange sent = Tender(X12Delimiters.Standard);
        string text = X12Writer.Write(sent);

        Assert.StartsWith("ISA*00*          *00*          *ZZ*MESTMSP100     *02*SWFL           *261202*1405*^*00401*000000905*1*T*>~\n", text);
        Assert.Contains("GS*SM*MESTMSP100*SWFL*20261202*1405*905*X*004010~\n", text);
        Assert.Contains("B2**SWFL**P100.PO-1001.T1**PP~\n", text);
        Assert.Contains("SE*11*0001~\n", text);
        Assert.EndsWith("GE*1*905~\nIEA*1*000000905~\n", text);
        Assert.Equal(106, text.IndexOf('\n'));

        X12Interchange read = X12Reader.Read(text);
        Assert.Equal(("ZZ", "MESTMSP100", "02", "SWFL", "000000905", 'T', true), (read.SenderQualifier, read.Sender, read.ReceiverQualifier, read.Receiver, read.ControlNumber, read.Usage, read.AcknowledgmentRequested));
        Assert.Equal(At, read.Date);
        Assert.Equal(X12Delimiters.Standard, read.Delimiters);
        X12Transaction tender = Assert.Single(read.Transactions);
        Assert.Equal(("204", "0001"), (tender.Code, tender.ControlNumber));
        Assert.Equal(sent.Groups[0].Transactions[0].Segments.Select(s => s.ToText(X12Delimiters.Standard)), tender.Segments.Select(s => s.ToText(X12Delimiters.Standard)));
        Assert.Equal("P100.PO-1001.T1", tender.First("B2")![4]);
        Assert.Equal(["2", "8"], tender.First("AT5")!.Components(5, read.Delimiters));
        Assert.Equal(text, X12Writer.Write(read));
    }

    [Fact]
    public void A_response_with_other_separators_no_line_breaks_and_segments_we_do_not_use_is_read()
    {
        // A carrier's 990: '|' between elements, ':' inside them, '!' repetition, '\n' ends a segment, plus a K1 remark.
        string text = string.Join('\n',
            "ISA|00|          |00|          |02|SWFL           |ZZ|MESTMSP100     |261202|1410|!|00401|000004711|0|P|:",
            "GS|GF|SWFL|MESTMSP100|20261202|1410|4711|X|004010",
            "ST|990|4711",
            "B1|SWFL|P100.PO-1001.T1|20261202|A",
            "N9|CN|SWFL-PRO-123",
            "K1|DRIVER ASSIGNED|TRUCK 42",
            "SE|5|4711",
            "GE|1|4711",
            "IEA|1|000004711") + "\n";

        X12Interchange read = X12Reader.Read(text);

        Assert.Equal(new X12Delimiters('|', ':', '\n', '!'), read.Delimiters);
        X12Transaction answer = Assert.Single(read.Transactions);
        Assert.Equal("990", answer.Code);
        Assert.Equal(["B1", "N9", "K1"], answer.Segments.Select(s => s.Id));
        Assert.Equal("A", answer.First("B1")![4]);
        Assert.Equal("SWFL-PRO-123", answer.First("N9")![2]);
        Assert.Equal('P', read.Usage);
        Assert.False(read.AcknowledgmentRequested);

        // Written again with our separators, it reads back alike.
        X12Interchange again = X12Reader.Read(X12Writer.Write(read with { Delimiters = X12Delimiters.Standard }, lineBreaks: false));
        Assert.Equal(answer.Segments, again.Transactions.Single().Segments, (a, b) => a.Id == b.Id && a.Elements.SequenceEqual(b.Elements));
    }

    [Theory]
    [InlineData("SE*11*0001~", "SE*10*0001~", "SE01 (segment 13): SE01 counts 10 segment(s), the transaction set has 11 (ST and SE included)")]
    [InlineData("SE*11*0001~", "SE*11*0002~", "SE02 (segment 13): SE02 '0002' does not match ST02 '0001'")]
    [InlineData("GE*1*905~", "GE*1*906~", "GE02 (segment 14): GE02 '906' does not match GS06 '905'")]
    [InlineData("GE*1*905~", "GE*2*905~", "GE01 (segment 14): GE01 counts 2 transaction set(s), the group has 1")]
    [InlineData("IEA*1*000000905~", "IEA*1*000000904~", "IEA02 (segment 15): IEA02 '000000904' does not match ISA13 '000000905'")]
    [InlineData("IEA*1*000000905~", "", "IEA (segment 15): expected GS or IEA, found the end")]
    [InlineData("SE*11*0001~", "", "ST (segment 3): transaction set 0001 has no SE trailer")]
    [InlineData("L3*18000*G~", "l3*18000*G~", "l3 (segment 12): 'l3' is not a segment id")]
    [InlineData("*00401*", "*00501*", "ISA12 (segment 1): the interchange version must be 00401 (X12 004010), not '00501'")]
    [InlineData("GS*SM*MESTMSP100*SWFL*20261202*1405*", "GS*SM*MESTMSP100*SWFL*20261332*1405*", "GS04 (segment 2): '20261332' '1405' is not a date and time (yyyyMMdd, HHmm)")]
    public void A_broken_envelope_is_refused_naming_the_segment_its_position_and_element(string part, string broken, string message)
    {
        string text = X12Writer.Write(Tender(X12Delimiters.Standard)).Replace(part + (part.EndsWith('~') ? "\n" : ""), broken + (broken.EndsWith('~') ? "\n" : ""));

        X12Exception e = Assert.Throws<X12Exception>(() => X12Reader.Read(text));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Nonsense_and_bad_separators_are_refused_and_a_separator_inside_an_element_is_never_written()
    {
        Assert.Equal("ISA (segment 1): an interchange starts with a 106-character ISA segment", Assert.Throws<X12Exception>(() => X12Reader.Read("hello")).Message);
        Assert.Contains("must all differ", Assert.Throws<X12Exception>(() => X12Writer.Write(Tender(new X12Delimiters('*', '*', '~', null)))).Message);
        X12Interchange withStar = Tender(X12Delimiters.Standard);
        withStar = withStar with
        {
            Groups = [withStar.Groups[0] with { Transactions = [withStar.Groups[0].Transactions[0] with { Segments = [X12Segment.Of("NTE", "LOAD", "keep*dry")] }] }],
        };
        Assert.Equal("NTE02: element 2 holds a separator character ('keep*dry')", Assert.Throws<X12Exception>(() => X12Writer.Write(withStar)).Message);
    }
}

/// <summary>Whatever a carrier sends, the reader and the document readers either read it or say what is wrong (never another exception).</summary>
public sealed class X12HostileInputTests
{
    static readonly string Valid = string.Join("~\n",
        "ISA*00*          *00*          *ZZ*SWFL           *ZZ*MESTMS         *261130*0900*^*00401*000000101*0*P*>",
        "GS*QM*SWFL*MESTMS*20261130*0900*101*X*004010", "ST*214*0001", "B10*SWFLPRO1*P100.PO-1.T1*SWFL", "L11*P100.PO-1.T1*BM",
        "LX*1", "AT7*X3*NS***20261130*0905*UT", "MS1*Indianapolis*IN*US", "SE*7*0001", "GE*1*101", "IEA*1*000000101") + "~\n";

    static void ReadAll(string text)
    {
        try
        {
            X12Interchange interchange = X12Reader.Read(text);
            foreach (X12Transaction t in interchange.Transactions)
            {
                _ = t.Code switch
                {
                    "214" => (object)ShipmentStatus214.From(t),
                    "990" => TenderResponse990.From(t),
                    _ => FunctionalAcknowledgment997.From(t),
                };
            }
        }
        catch (X12Exception)
        {
        }
    }

    [Fact]
    public void Every_truncation_is_read_or_refused_with_an_X12_error()
    {
        ReadAll(Valid); // the whole document reads
        Assert.Equal("X3", ShipmentStatus214.From(X12Reader.Read(Valid).Transactions.Single()).Statuses.Single().Code);
        for (int length = 0; length < Valid.Length; length++)
        {
            ReadAll(Valid[..length]);
        }
    }

    [Fact]
    public void Thousands_of_mutations_are_read_or_refused_with_an_X12_error()
    {
        var random = new Random(13);
        char[] alphabet = ['*', '~', '>', '^', '\n', '\r', ' ', 'A', 'Z', '0', '9', '|', ':', '\0', 'é'];
        for (int round = 0; round < 5000; round++)
        {
            var text = new System.Text.StringBuilder(Valid);
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: text.Remove(at, Math.Min(random.Next(1, 6), text.Length - at)); break;
                    default: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }

            string mutated = text.ToString();
            Exception? other = Record.Exception(() => ReadAll(mutated));
            Assert.True(other is null, $"{other?.GetType().Name}: {other?.Message}\n{mutated}");
        }
    }
}
