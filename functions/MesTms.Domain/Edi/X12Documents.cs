using System.Globalization;

namespace MesTms.Domain.Edi;

/// <summary>A stop of a load tender: load (LD) or unload (UL), where, and the window.</summary>
public sealed record TenderStop(int Number, string Reason, string Name, string LocationId, string? City, string? State, string PostalCode, string Country,
    DateTimeOffset? From, DateTimeOffset? To, decimal WeightLb, int Pallets);

/// <summary>
/// What a 204 Motor Carrier Load Tender carries: the shipment identification number (B2-04, which the carrier's 990 and
/// 214 echo), purpose (B2A 00 original, 01 cancellation), references, equipment, hazmat and temperature, stops and totals.
/// </summary>
public sealed record LoadTender204(
    string Scac, string ShipmentId, bool Cancellation, IReadOnlyList<(string Qualifier, string Value)> References, string Equipment,
    decimal WeightLb, decimal CubeFt3, int Pallets, decimal? Price, DateTimeOffset RespondBy,
    string? HazmatUnNumber, string? HazmatClass, string? HazmatPackingGroup, decimal? MinTemperatureC, decimal? MaxTemperatureC, string? Note,
    IReadOnlyList<TenderStop> Stops)
{
    /// <summary>A change to a tender the carrier already has (B2A 04), e.g. a new dock appointment window.</summary>
    public bool Change { get; init; }

    /// <summary>The 204's body segments (ST and SE come from the envelope).</summary>
    public IReadOnlyList<X12Segment> ToSegments()
    {
        if (Stops.Count < 2)
        {
            throw new X12Exception("a load tender needs a pick-up and a delivery stop (S5)", "S5");
        }

        var segments = new List<X12Segment>
        {
            // B2-02 SCAC, B2-04 shipment identification number, B2-06 PP (prepaid).
            X12Segment.Of("B2", null, Scac, null, ShipmentId, null, "PP"),
            X12Segment.Of("B2A", Cancellation ? "01" : Change ? "04" : "00", "LT"),
        };
        segments.AddRange(References.Select(r => X12Segment.Of("L11", r.Value, r.Qualifier)));
        // G62 64 (respond by), MS3 the carrier and mode, AT5 special handling.
        segments.Add(X12Segment.Of("G62", "64", Date(RespondBy), "1", Time(RespondBy), "UT"));
        segments.Add(X12Segment.Of("MS3", Scac, "B", null, "M"));
        if (MinTemperatureC is not null || MaxTemperatureC is not null)
        {
            segments.Add(X12Segment.Of("AT5", null, null, null, "TMP"));
            segments.Add(X12Segment.Of("G61", "IC", "Temperature", null, null));
            segments.Add(X12Segment.Of("NTE", "LOI", $"Keep between {MinTemperatureC?.ToString(CultureInfo.InvariantCulture) ?? "-"} and {MaxTemperatureC?.ToString(CultureInfo.InvariantCulture) ?? "-"} C"));
        }

        if (HazmatUnNumber is not null)
        {
            segments.Add(X12Segment.Of("AT5", "HM"));
        }

        if (Note is { Length: > 0 })
        {
            segments.Add(X12Segment.Of("NTE", "GEN", Note.Length > 80 ? Note[..80] : Note));
        }

        foreach (TenderStop stop in Stops)
        {
            segments.Add(X12Segment.Of("S5", stop.Number.ToString(CultureInfo.InvariantCulture), stop.Reason, Number(stop.WeightLb), "L",
                stop.Pallets.ToString(CultureInfo.InvariantCulture), "PLT"));
            if (stop.From is { } from)
            {
                segments.Add(X12Segment.Of("G62", stop.Reason == "LD" ? "37" : "53", Date(from), "G", Time(from), "UT"));
            }

            if (stop.To is { } to)
            {
                segments.Add(X12Segment.Of("G62", stop.Reason == "LD" ? "38" : "54", Date(to), "L", Time(to), "UT"));
            }

            segments.Add(X12Segment.Of("AT8", "G", "L", Number(stop.WeightLb), stop.Pallets.ToString(CultureInfo.InvariantCulture)));
            segments.Add(X12Segment.Of("N1", stop.Reason == "LD" ? "SF" : "ST", stop.Name, "93", stop.LocationId));
            segments.Add(X12Segment.Of("N4", stop.City, stop.State, stop.PostalCode, stop.Country));
            if (HazmatUnNumber is not null && stop.Reason == "LD")
            {
                segments.Add(X12Segment.Of("L5", "1", "Hazardous material", null, null, null));
                segments.Add(X12Segment.Of("LH1", "PLT", stop.Pallets.ToString(CultureInfo.InvariantCulture), HazmatUnNumber.StartsWith("UN", StringComparison.Ordinal) ? HazmatUnNumber : "UN" + HazmatUnNumber));
                segments.Add(X12Segment.Of("LH2", HazmatClass, "9", null, null, null, null, null, null, HazmatPackingGroup));
                segments.Add(X12Segment.Of("LH3", "Hazardous material", "D"));
            }
        }

        segments.Add(X12Segment.Of("L3", Number(WeightLb), "G", Price is { } p ? Number(p) : null, Price is null ? null : "FR", Price is null ? null : Number(Price.Value * 100m),
            null, null, null, Number(CubeFt3), "E"));
        return segments;
    }

    static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HHmm", CultureInfo.InvariantCulture);

    static string Number(decimal value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>A carrier's 990: its SCAC, the shipment identification number of the 204 it answers (B1-02), accept or decline, why, references.</summary>
public sealed record TenderResponse990(string Scac, string ShipmentId, bool Accepted, string? Reason, IReadOnlyList<(string Qualifier, string Value)> References)
{
    /// <summary>Reads a 990 transaction set; a missing B1 or an action that is neither A nor D is an error naming the segment.</summary>
    public static TenderResponse990 From(X12Transaction transaction)
    {
        if (transaction.Code != "990")
        {
            throw new X12Exception($"transaction set {transaction.Code} is not a 990", "ST", null, 1, "1");
        }

        X12Segment b1 = transaction.First("B1") ?? throw new X12Exception("a 990 needs its B1 segment", "B1", null, code: "3");
        if (b1[1].Length == 0)
        {
            throw new X12Exception("B1-01 must name the carrier (SCAC)", "B1", null, 1);
        }

        if (b1[2].Length == 0)
        {
            throw new X12Exception("B1-02 must name the shipment identification number the 204 sent in B2-04", "B1", null, 2);
        }

        bool accepted = b1[4] switch
        {
            "A" => true,
            "D" => false,
            var other => throw new X12Exception($"B1-04 must be A (accept) or D (decline), not '{other}'", "B1", null, 4),
        };
        // The reason a carrier gives travels as a K1/NTE remark, a B1-05 reservation action reason code, or both ("words (code)").
        string? remark = new[] { transaction.First("K1")?[1], transaction.First("NTE")?[2] }.FirstOrDefault(r => !string.IsNullOrWhiteSpace(r));
        string? code = string.IsNullOrWhiteSpace(b1[5]) ? null : b1[5];
        string? reason = remark is null ? code : code is null ? remark : $"{remark} ({code})";
        return new TenderResponse990(b1[1], b1[2], accepted, reason, transaction.All("N9").Select(n => (n[1], n[2])).ToList());
    }
}

/// <summary>One status of a 214 (AT7): the status code (X3 arrived at pick-up, AF departed pick-up, X1 arrived at delivery, D1 delivered…), reason, when, where.</summary>
public sealed record ShipmentStatusReport(string Code, string? Reason, DateTimeOffset At, string? City, string? State, string? Country);

/// <summary>A carrier's 214: its SCAC, the shipment identification number (B10-02), references, and the statuses in order.</summary>
public sealed record ShipmentStatus214(string Scac, string ShipmentId, string? CarrierReference, IReadOnlyList<(string Qualifier, string Value)> References, IReadOnlyList<ShipmentStatusReport> Statuses)
{
    public static ShipmentStatus214 From(X12Transaction transaction)
    {
        if (transaction.Code != "214")
        {
            throw new X12Exception($"transaction set {transaction.Code} is not a 214", "ST", null, 1, "1");
        }

        X12Segment b10 = transaction.First("B10") ?? throw new X12Exception("a 214 needs its B10 segment", "B10", null, code: "3");
        var statuses = new List<ShipmentStatusReport>();
        X12Segment? location = null;
        foreach (X12Segment segment in transaction.Segments)
        {
            if (segment.Id == "LX")
            {
                location = null;
            }
            else if (segment.Id == "MS1")
            {
                location = segment;
                if (statuses.Count > 0 && statuses[^1].City is null)
                {
                    statuses[^1] = statuses[^1] with { City = segment[1], State = segment[2], Country = segment[3] };
                }
            }
            else if (segment.Id == "AT7")
            {
                if (segment[1].Length == 0)
                {
                    throw new X12Exception("AT7-01 must give the shipment status code (X3, AF, X1, D1…)", "AT7", null, 1);
                }

                string time = segment[6].Length >= 4 ? segment[6][..4] : "0000";
                if (!DateTime.TryParseExact(segment[5] + time, "yyyyMMddHHmm", CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime at))
                {
                    throw new X12Exception($"AT7-05/06 '{segment[5]}' '{segment[6]}' is not a date and time (yyyyMMdd, HHmm)", "AT7", null, 5, "8");
                }

                statuses.Add(new ShipmentStatusReport(segment[1], segment[2].Length > 0 ? segment[2] : null, new DateTimeOffset(at, TimeSpan.Zero),
                    location?[1], location?[2], location?[3]));
            }
        }

        if (statuses.Count == 0)
        {
            throw new X12Exception("a 214 needs at least one AT7 status", "AT7", null, code: "3");
        }

        return new ShipmentStatus214(b10[3], b10[2], b10[1].Length > 0 ? b10[1] : null, transaction.All("L11").Select(l => (l[2], l[1])).ToList(), statuses);
    }
}

/// <summary>
/// A 997 functional acknowledgment of one functional group: accepted (A), accepted with errors (E) or rejected (R), with
/// each transaction set's answer and, for a rejected one, the error (AK3/AK4 naming segment and element, AK5 code).
/// </summary>
public sealed record FunctionalAcknowledgment997(string FunctionalId, string GroupControlNumber, IReadOnlyList<TransactionAcknowledgment> Transactions, string GroupStatus, int Received)
{
    /// <summary>The acknowledgment of a group read whole: every transaction set accepted.</summary>
    public static FunctionalAcknowledgment997 Accept(X12Group group) => new(group.FunctionalId, group.ControlNumber,
        group.Transactions.Select(t => new TransactionAcknowledgment(t.Code, t.ControlNumber, "A", null)).ToList(), "A", group.Transactions.Count);

    /// <summary>The rejection of a document that could not be read: the error names what the 997 can say about it.</summary>
    public static FunctionalAcknowledgment997 Reject(string functionalId, string groupControlNumber, string? transactionCode, string? transactionControl, X12Exception error) =>
        new(functionalId, groupControlNumber,
            transactionCode is null ? [] : [new TransactionAcknowledgment(transactionCode, transactionControl ?? "", "R", error)], "R", transactionCode is null ? 0 : 1);

    public IReadOnlyList<X12Segment> ToSegments()
    {
        var segments = new List<X12Segment> { X12Segment.Of("AK1", FunctionalId, GroupControlNumber) };
        foreach (TransactionAcknowledgment t in Transactions)
        {
            segments.Add(X12Segment.Of("AK2", t.Code, t.ControlNumber));
            if (t.Error is { SegmentId: { } segment } error)
            {
                segments.Add(X12Segment.Of("AK3", segment, error.Position?.ToString(CultureInfo.InvariantCulture), null, "8"));
                if (error.Element is { } element)
                {
                    segments.Add(X12Segment.Of("AK4", element.ToString(CultureInfo.InvariantCulture), null, "7"));
                }
            }

            segments.Add(X12Segment.Of("AK5", t.Status, t.Status == "A" ? null : t.Error?.Code is { Length: 1 } code ? code : "5"));
        }

        int accepted = Transactions.Count(t => t.Status is "A" or "E");
        segments.Add(X12Segment.Of("AK9", GroupStatus, Transactions.Count.ToString(CultureInfo.InvariantCulture), Received.ToString(CultureInfo.InvariantCulture),
            accepted.ToString(CultureInfo.InvariantCulture)));
        return segments;
    }

    /// <summary>Reads a 997 a carrier sent about our documents.</summary>
    public static FunctionalAcknowledgment997 From(X12Transaction transaction)
    {
        if (transaction.Code != "997")
        {
            throw new X12Exception($"transaction set {transaction.Code} is not a 997", "ST", null, 1, "1");
        }

        X12Segment ak1 = transaction.First("AK1") ?? throw new X12Exception("a 997 needs its AK1 segment", "AK1", null, code: "3");
        X12Segment ak9 = transaction.First("AK9") ?? throw new X12Exception("a 997 needs its AK9 segment", "AK9", null, code: "3");
        var answers = new List<TransactionAcknowledgment>();
        X12Segment? ak2 = null;
        foreach (X12Segment segment in transaction.Segments)
        {
            if (segment.Id == "AK2")
            {
                ak2 = segment;
            }
            else if (segment.Id == "AK5" && ak2 is not null)
            {
                answers.Add(new TransactionAcknowledgment(ak2[1], ak2[2], segment[1], null));
                ak2 = null;
            }
        }

        return new FunctionalAcknowledgment997(ak1[1], ak1[2], answers, ak9[1],
            int.TryParse(ak9[3], NumberStyles.None, CultureInfo.InvariantCulture, out int received) ? received : answers.Count);
    }
}

/// <summary>One transaction set's answer in a 997: A accepted, E accepted with errors, R rejected (with the error).</summary>
public sealed record TransactionAcknowledgment(string Code, string ControlNumber, string Status, X12Exception? Error);
