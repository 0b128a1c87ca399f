using MesTms.Domain.Edi;

namespace MesTms.Domain.Tests;

/// <summary>The transaction sets a carrier connection needs: 204 out (original and cancellation), 990 and 214 in, 997 both ways.</summary>
public sealed class X12DocumentTests
{
    static readonly DateTimeOffset At = new(2026, 12, 2, 14, 5, 0, TimeSpan.Zero);

    static LoadTender204 Tender(bool cancellation = false, bool hazmat = false) => new("SWFL", "P100.PO-1001.T1", cancellation,
        [("PO", "PO-1001"), ("BM", "P100-PO-1001")], "DryVan", 18000m, 1000m, 18, 1270.58m, At.AddHours(2),
        hazmat ? "1263" : null, hazmat ? "3" : null, hazmat ? "II" : null, 2m, 8m, "Dock 4, call ahead",
        [
            new TenderStop(1, "LD", "Plant P100", "P100", "Indianapolis", "IN", "46218", "US", At.AddHours(3), At.AddHours(4), 18000m, 18),
            new TenderStop(2, "UL", "DC Atlanta", "DC-ATL-01", "Atlanta", "GA", "30303", "US", At.AddDays(1), null, 18000m, 18),
        ]);

    static X12Interchange Envelope(string functionalId, string code, IReadOnlyList<X12Segment> body, X12Delimiters? delimiters = null) =>
        new("ZZ", "MESTMSP100", "02", "SWFL", At, "000000905", 'T', false, delimiters ?? X12Delimiters.Standard,
            [new X12Group(functionalId, "MESTMSP100", "SWFL", At, "905", "004010", [new X12Transaction(code, "0001", body)])]);

    [Fact]
    public void A_load_tender_204_carries_the_shipment_id_stops_temperature_hazmat_and_totals_and_reads_back()
    {
        string text = X12Writer.Write(Envelope("SM", "204", Tender(hazmat: true).ToSegments()));
        X12Transaction read = X12Reader.Read(text).Transactions.Single();

        Assert.Equal("P100.PO-1001.T1", read.First("B2")![4]);
        Assert.Equal("SWFL", read.First("B2")![2]);
        Assert.Equal("00", read.First("B2A")![1]);
        Assert.Equal([("PO-1001", "PO"), ("P100-PO-1001", "BM")], read.All("L11").Select(l => (l[1], l[2])));
        Assert.Equal(["1", "2"], read.All("S5").Select(s => s[1]));
        Assert.Equal(["LD", "UL"], read.All("S5").Select(s => s[2]));
        Assert.Equal(["SF", "ST"], read.All("N1").Select(n => n[1]));
        Assert.Equal("30303", read.All("N4").Last()[3]);
        Assert.Contains(read.All("AT5"), a => a[4] == "TMP");
        Assert.Contains(read.All("NTE"), n => n[2] == "Keep between 2 and 8 C");
        Assert.Equal("UN1263", read.First("LH1")![3]);
        Assert.Equal("II", read.First("LH2")![9]);
        Assert.Equal(["18000", "G", "1270.58", "FR", "127058", "", "", "", "1000", "E"], read.First("L3")!.Elements);
        Assert.Equal(["64", "20261202", "1", "1605", "UT"], read.First("G62")!.Elements);
        Assert.Contains("SE*", text);
    }

    [Fact]
    public void A_withdrawn_tender_goes_out_as_a_204_cancellation_and_a_tender_without_two_stops_is_refused()
    {
        X12Transaction read = X12Reader.Read(X12Writer.Write(Envelope("SM", "204", Tender(cancellation: true).ToSegments()))).Transactions.Single();
        Assert.Equal("01", read.First("B2A")![1]);
        Assert.Equal("S5: a load tender needs a pick-up and a delivery stop (S5)",
            Assert.Throws<X12Exception>(() => (Tender() with { Stops = [Tender().Stops[0]] }).ToSegments()).Message);
    }

    [Theory]
    [InlineData("B1|SWFL|P100.PO-1001.T1|20261202|A", true, null)]
    [InlineData("B1|SWFL|P100.PO-1001.T1|20261202|D|NO CAPACITY", false, "NO CAPACITY")]
    public void A_990_answers_the_tender_named_in_B1_02(string b1, bool accepted, string? reason)
    {
        string text = string.Join('\n',
            "ISA|00|          |00|          |02|SWFL           |ZZ|MESTMSP100     |261202|1410|U|00401|000004711|0|P|:",
            "GS|GF|SWFL|MESTMSP100|20261202|1410|4711|X|004010", "ST|990|4711", b1, "N9|CN|SWFL-PRO-123", "SE|4|4711", "GE|1|4711", "IEA|1|000004711") + "\n";

        TenderResponse990 answer = TenderResponse990.From(X12Reader.Read(text).Transactions.Single());

        Assert.Equal(("SWFL", "P100.PO-1001.T1", accepted, reason), (answer.Scac, answer.ShipmentId, answer.Accepted, answer.Reason));
        Assert.Equal([("CN", "SWFL-PRO-123")], answer.References);
    }

    [Fact]
    public void A_990_without_an_accept_or_decline_is_refused_naming_B1_04()
    {
        var transaction = new X12Transaction("990", "0001", [X12Segment.Of("B1", "SWFL", "P100.PO-1001.T1", "20261202", "Z")]);
        X12Exception e = Assert.Throws<X12Exception>(() => TenderResponse990.From(transaction));
        Assert.Equal(("B1", 4), (e.SegmentId, e.Element));
        Assert.Equal("B104: B1-04 must be A (accept) or D (decline), not 'Z'", e.Message);
    }

    [Fact]
    public void A_214_gives_the_statuses_in_order_with_where_they_happened()
    {
        X12Segment[] body =
        [
            X12Segment.Of("B10", "SWFL-PRO-123", "P100.PO-1001.T1", "SWFL"),
            X12Segment.Of("L11", "PO-1001", "PO"),
            X12Segment.Of("LX", "1"), X12Segment.Of("AT7", "X3", "NS", null, null, "20261202", "1530", "LT"), X12Segment.Of("MS1", "Indianapolis", "IN", "US"),
            X12Segment.Of("LX", "2"), X12Segment.Of("AT7", "AF", "NS", null, null, "20261202", "1612", "LT"), X12Segment.Of("MS1", "Indianapolis", "IN", "US"),
            X12Segment.Of("LX", "3"), X12Segment.Of("AT7", "X1", "NS", null, null, "20261203", "1010", "LT"), X12Segment.Of("MS1", "Atlanta", "GA", "US"),
            X12Segment.Of("LX", "4"), X12Segment.Of("AT7", "D1", "NS", null, null, "20261203", "1105", "LT"), X12Segment.Of("MS1", "Atlanta", "GA", "US"),
        ];
        ShipmentStatus214 report = ShipmentStatus214.From(X12Reader.Read(X12Writer.Write(Envelope("QM", "214", body))).Transactions.Single());

        Assert.Equal(("SWFL", "P100.PO-1001.T1", "SWFL-PRO-123"), (report.Scac, report.ShipmentId, report.CarrierReference));
        Assert.Equal(["X3", "AF", "X1", "D1"], report.Statuses.Select(s => s.Code));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 16, 12, 0, TimeSpan.Zero), report.Statuses[1].At);
        Assert.Equal(["Indianapolis", "Indianapolis", "Atlanta", "Atlanta"], report.Statuses.Select(s => s.City));
        Assert.Equal([("PO", "PO-1001")], report.References);
        Assert.Equal("AT705: AT7-05/06 '2026-12-03' '1105' is not a date and time (yyyyMMdd, HHmm)", Assert.Throws<X12Exception>(() => ShipmentStatus214.From(
            new X12Transaction("214", "0001", [body[0], X12Segment.Of("AT7", "D1", "NS", null, null, "2026-12-03", "1105")]))).Message);
    }

    [Fact]
    public void A_997_accepts_a_group_or_rejects_a_broken_document_naming_segment_and_element_and_reads_back()
    {
        X12Interchange received = X12Reader.Read(X12Writer.Write(Envelope("GF", "990", [X12Segment.Of("B1", "SWFL", "P100.PO-1001.T1", "20261202", "A")])));
        FunctionalAcknowledgment997 accepted = FunctionalAcknowledgment997.Accept(received.Groups[0]);
        X12Transaction sent = X12Reader.Read(X12Writer.Write(Envelope("FA", "997", accepted.ToSegments()))).Transactions.Single();
        Assert.Equal(["AK1*GF*905", "AK2*990*0001", "AK5*A", "AK9*A*1*1*1"], sent.Segments.Select(s => s.ToText(X12Delimiters.Standard)));
        FunctionalAcknowledgment997 back = FunctionalAcknowledgment997.From(sent);
        Assert.Equal(("GF", "905", "A"), (back.FunctionalId, back.GroupControlNumber, back.GroupStatus));
        Assert.Equal("A", Assert.Single(back.Transactions).Status);

        var broken = new X12Exception("B1-04 must be A (accept) or D (decline), not 'Z'", "B1", 4, 4);
        FunctionalAcknowledgment997 rejected = FunctionalAcknowledgment997.Reject("GF", "4711", "990", "4711", broken);
        Assert.Equal(["AK1*GF*4711", "AK2*990*4711", "AK3*B1*4**8", "AK4*4**7", "AK5*R*5", "AK9*R*1*1*0"],
            rejected.ToSegments().Select(s => s.ToText(X12Delimiters.Standard)));
        Assert.Equal("R", FunctionalAcknowledgment997.From(new X12Transaction("997", "0002", rejected.ToSegments())).Transactions.Single().Status);
    }
}
