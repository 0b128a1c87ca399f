using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MesTms.Domain.Edi;
using MesTms.Domain.Shipments;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.CarrierStatuses;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.Edi;

/// <summary>What reading an inbound interchange gave: the 997 to answer with and the stored record.</summary>
public sealed record EdiInboundResult(string Acknowledgment, EdiDocument Document);

/// <summary>
/// Reads an X12 interchange a carrier sent (through <c>POST /api/carriers/{scac}/edi</c>, its drop folder, or the answer
/// to one of our documents). The text is stored first, so nothing is lost; then it is read: a 990 answers its tender
/// exactly like the JSON answer (<see cref="TenderResponseService"/>), a 214's statuses go to <see cref="CarrierStatusService"/>,
/// a 997 marks our documents it acknowledges. Every group is answered with a 997: a transaction set that cannot be read
/// is rejected (AK3/AK4 name its segment and element), and an interchange that cannot be read at all gets a 997
/// rejection built from whatever of its envelope could be made out. The same interchange sent again gets the same 997
/// and changes nothing. The tender is found by the shipment identification number our 204 sent in B2-04 (990 B1-02,
/// 214 B10-02), else by an N9 / L11 reference naming a tender.
/// </summary>
public sealed class EdiInbound(
    CarrierOptions options,
    IEdiDocumentStore documents,
    ITenderStore tenders,
    TenderResponseService responses,
    CarrierStatusService statuses,
    TimeProvider clock,
    ILogger<EdiInbound> logger)
{
    /// <summary>The largest interchange read (a carrier batching a day of 214s stays far below it).</summary>
    public const int MaxLength = 1_000_000;

    public async Task<EdiInboundResult> ReceiveAsync(string scac, string text, DurableTaskClient? durable, CancellationToken cancellationToken = default)
    {
        EdiPartnerOptions partner = options.Edi.TryGetValue(scac, out EdiPartnerOptions? configured) ? configured
            : throw new InvalidOperationException($"{scac} is not an EDI carrier ({CarrierOptions.Section}:Edi:{scac}).");
        string id = $"in|{scac}|{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40]}";
        DateTimeOffset now = clock.GetUtcNow();
        (EdiDocument stored, _) = await documents.CreateAsync(new EdiDocument
        {
            Id = id, Scac = scac, Direction = EdiDocument.Inbound, Status = "received", Text = text, At = now, UpdatedAt = now,
        }, cancellationToken);
        if (stored.Acknowledgment is { } answered)
        {
            return new EdiInboundResult(answered, stored); // the same interchange again: same answer, nothing done twice
        }

        X12Interchange interchange;
        try
        {
            interchange = X12Reader.Read(text);
            if (!string.Equals(interchange.Sender, partner.Receiver(scac), StringComparison.Ordinal))
            {
                throw new X12Exception($"ISA06 '{interchange.Sender}' is not {scac}'s interchange id '{partner.Receiver(scac)}'", "ISA", 1, 6, "5");
            }
        }
        catch (X12Exception e)
        {
            EdiEnvelopeGuess guess = EdiEnvelopeGuess.From(text, e.Position);
            var reject = FunctionalAcknowledgment997.Reject(guess.FunctionalId ?? "", guess.GroupControl ?? "0", guess.SetCode, guess.SetControl, e);
            string ack = await AcknowledgeAsync(scac, partner, id, [reject], cancellationToken);
            EdiDocument rejected = await documents.UpdateAsync(id, d => d with
            {
                Status = "rejected", Error = e.Message, Acknowledgment = ack, UpdatedAt = clock.GetUtcNow(),
            }, cancellationToken);
            logger.LogWarning("EDI from {Scac} rejected: {Error}", scac, e.Message);
            return new EdiInboundResult(ack, rejected);
        }

        var outcomes = new List<string>();
        var tenderIds = new List<string>();
        var acknowledgments = new List<FunctionalAcknowledgment997>();
        foreach (X12Group group in interchange.Groups)
        {
            var answers = new List<TransactionAcknowledgment>();
            foreach (X12Transaction transaction in group.Transactions)
            {
                try
                {
                    (string outcome, string? tenderId) = await ReadAsync(scac, transaction, group.Date, durable, cancellationToken);
                    outcomes.Add($"{transaction.Code} {transaction.ControlNumber}: {outcome}");
                    if (tenderId is not null && !tenderIds.Contains(tenderId))
                    {
                        tenderIds.Add(tenderId);
                    }

                    answers.Add(new TransactionAcknowledgment(transaction.Code, transaction.ControlNumber, "A", null));
                }
                catch (X12Exception e)
                {
                    // The 997 counts a bad segment's position within its transaction set (ST is 1).
                    int index = e.SegmentId is { } bad ? transaction.Segments.ToList().FindIndex(s => s.Id == bad) : -1;
                    X12Exception placed = e.Position is null && index >= 0 ? e.At(index + 2) : e;
                    outcomes.Add($"{transaction.Code} {transaction.ControlNumber}: rejected: {placed.Message}");
                    answers.Add(new TransactionAcknowledgment(transaction.Code, transaction.ControlNumber, "R", placed));
                }
            }

            if (group.FunctionalId == "FA")
            {
                continue; // 997s are not acknowledged
            }

            int accepted = answers.Count(a => a.Status == "A");
            acknowledgments.Add(new FunctionalAcknowledgment997(group.FunctionalId, group.ControlNumber, answers,
                accepted == answers.Count ? "A" : accepted == 0 ? "R" : "P", answers.Count));
        }

        string acknowledgment = await AcknowledgeAsync(scac, partner, id, acknowledgments, cancellationToken);
        bool allAccepted = acknowledgments.All(a => a.GroupStatus == "A");
        EdiDocument read = await documents.UpdateAsync(id, d => d with
        {
            Sets = interchange.Transactions.Select(t => t.Code).ToList(),
            InterchangeControl = interchange.ControlNumber,
            GroupControl = interchange.Groups.FirstOrDefault()?.ControlNumber,
            TenderIds = tenderIds,
            Outcomes = outcomes,
            Status = allAccepted ? "accepted" : acknowledgments.All(a => a.GroupStatus == "R") ? "rejected" : "partly-rejected",
            Acknowledgment = acknowledgment,
            UpdatedAt = clock.GetUtcNow(),
        }, cancellationToken);
        logger.LogInformation("EDI from {Scac}: {Sets} read ({Status})", scac, string.Join(",", read.Sets), read.Status);
        return new EdiInboundResult(acknowledgment, read);
    }

    async Task<(string Outcome, string? TenderId)> ReadAsync(string scac, X12Transaction transaction, DateTimeOffset groupDate, DurableTaskClient? durable, CancellationToken cancellationToken)
    {
        switch (transaction.Code)
        {
            case "990":
            {
                TenderResponse990 answer = TenderResponse990.From(transaction);
                string? tenderId = await FindTenderAsync(answer.ShipmentId, answer.References.Select(r => r.Value), cancellationToken);
                if (tenderId is null)
                {
                    return ($"no tender '{answer.ShipmentId}' (B1-02) or in its N9 references: nothing recorded", null);
                }

                if (durable is null)
                {
                    throw new X12Exception("a 990 is read at POST /api/carriers/{scac}/edi or from the drop folder, not in the answer to our document", "B1", null, code: "5");
                }

                // The answer is dated by the group's GS date and time (UTC, to the minute); the tender's sending bounds it below.
                var response = new TenderResponse(answer.Accepted ? TenderResponse.Accept : TenderResponse.Decline,
                    answer.Accepted ? null : answer.Reason ?? "declined (990 B1-04 D)", scac, null, groupDate);
                TenderResponseOutcome outcome = await responses.RecordAsync(tenderId, response, durable, cancellationToken);
                return ($"{tenderId} {response.Decision}: {Words(outcome)}", tenderId);
            }

            case "214":
            {
                ShipmentStatus214 report = ShipmentStatus214.From(transaction);
                string? tenderId = await FindTenderAsync(report.ShipmentId, report.References.Select(r => r.Value), cancellationToken);
                if (tenderId is null)
                {
                    return ($"no tender '{report.ShipmentId}' (B10-02) or in its L11 references: nothing recorded", null);
                }

                // Nothing from the future: a status dated ahead of the bridge's clock rejects the whole set before any of it is applied.
                for (int i = 0; i < report.Statuses.Count; i++)
                {
                    if (statuses.Refuses(report.Statuses[i].At, statuses.Now) is { } future)
                    {
                        int position = transaction.Segments.Select((segment, index) => (segment, index)).Where(s => s.segment.Id == "AT7").ElementAt(i).index + 2;
                        throw new X12Exception($"AT7-05/06 {future}: refused, not applied", "AT7", position, 5, "8");
                    }
                }

                var said = new List<string>();
                foreach (ShipmentStatusReport status in report.Statuses)
                {
                    if (CarrierStatusCodes.FromX12(status.Code) is not { } code)
                    {
                        said.Add($"{status.Code} kept, not acted on");
                        continue;
                    }

                    (CarrierStatusOutcome outcome, _, string? why) = await statuses.RecordAsync(tenderId, scac,
                        new CarrierStatusReport(code, status.At, status.Reason, status.City, status.State), durable, cancellationToken);
                    said.Add($"{status.Code} {code}: {(why ?? outcome.ToString().ToLowerInvariant())}");
                }

                return ($"{tenderId}: {string.Join("; ", said)}", tenderId);
            }

            case "997":
            {
                FunctionalAcknowledgment997 ack = FunctionalAcknowledgment997.From(transaction);
                string status = ack.GroupStatus is "A" or "E" ? "accepted" : "rejected";
                IReadOnlyList<EdiDocument> ours = await documents.FindOutboundAsync(scac, ack.GroupControlNumber, cancellationToken);
                foreach (EdiDocument document in ours)
                {
                    await documents.UpdateAsync(document.Id, d => d with { Status = status, UpdatedAt = clock.GetUtcNow() }, cancellationToken);
                }

                return (ours.Count == 0 ? $"acknowledges group {ack.GroupControlNumber}, which we never sent" : $"group {ack.GroupControlNumber} {status} ({ours[0].Sets.FirstOrDefault()})",
                    ours.SelectMany(d => d.TenderIds).FirstOrDefault());
            }

            default:
                throw new X12Exception($"transaction set {transaction.Code} is not one the bridge reads (990, 214, 997)", "ST", null, 1, "1");
        }
    }

    /// <summary>The tender named by the shipment identification number, or by one of the references.</summary>
    async Task<string?> FindTenderAsync(string shipmentId, IEnumerable<string> references, CancellationToken cancellationToken)
    {
        foreach (string candidate in references.Prepend(shipmentId).Where(TenderIdRules.IsValid).Distinct())
        {
            if (await tenders.GetAsync(candidate, cancellationToken) is not null)
            {
                return candidate;
            }
        }

        return null;
    }

    async Task<string> AcknowledgeAsync(string scac, EdiPartnerOptions partner, string inboundId, IReadOnlyList<FunctionalAcknowledgment997> acknowledgments,
        CancellationToken cancellationToken)
    {
        if (acknowledgments.Count == 0)
        {
            return "";
        }

        string id = $"out|{scac}|997|{inboundId}";
        if (await documents.GetAsync(id, cancellationToken) is { } existing)
        {
            return existing.Text;
        }

        long control = await documents.NextControlNumberAsync(scac, cancellationToken);
        DateTimeOffset now = clock.GetUtcNow();
        string text = EdiEnvelopes.Write(partner, scac, control, now, "FA", acknowledgments.Select(a => new X12Transaction("997", "0001", a.ToSegments())).ToList());
        (EdiDocument stored, _) = await documents.CreateAsync(new EdiDocument
        {
            Id = id, Scac = scac, Direction = EdiDocument.Outbound, Sets = acknowledgments.Select(_ => "997").ToList(),
            InterchangeControl = control.ToString(CultureInfo.InvariantCulture), GroupControl = control.ToString(CultureInfo.InvariantCulture),
            Status = "sent", Text = text, At = now, UpdatedAt = now,
            Outcomes = acknowledgments.Select(a => $"acknowledges group {a.GroupControlNumber}: {a.GroupStatus}").ToList(),
        }, cancellationToken);
        return stored.Text;
    }

    static string Words(TenderResponseOutcome outcome) => outcome switch
    {
        TenderResponseOutcome.Recorded => "recorded",
        TenderResponseOutcome.Duplicate => "duplicate of the answer already recorded",
        TenderResponseOutcome.Conflict => "refused: a different answer was recorded first",
        TenderResponseOutcome.Withdrawn => "refused: the tender was withdrawn before this answer",
        TenderResponseOutcome.WrongCarrier => "refused: the tender was sent to another carrier",
        _ => "refused: no such tender",
    };
}

/// <summary>
/// What can be made out of an interchange that could not be read, for its 997 rejection: the functional id and group
/// control number (GS01, GS06) and the transaction set (ST01, ST02) the error is in, when they are there.
/// </summary>
public sealed record EdiEnvelopeGuess(string? FunctionalId, string? GroupControl, string? SetCode, string? SetControl)
{
    public static EdiEnvelopeGuess From(string text, int? errorPosition)
    {
        string trimmed = text.TrimStart();
        if (!trimmed.StartsWith("ISA", StringComparison.Ordinal) || trimmed.Length < 106)
        {
            return new EdiEnvelopeGuess(null, null, null, null);
        }

        char element = trimmed[3];
        char terminator = trimmed[105];
        string? functional = null, group = null, set = null, control = null;
        string[] segments = trimmed.Split(terminator);
        for (int i = 0; i < segments.Length; i++)
        {
            if (errorPosition is { } p && i + 1 > p && set is not null)
            {
                break;
            }

            string[] elements = segments[i].Trim().Split(element);
            switch (elements[0])
            {
                case "GS" when elements.Length > 6:
                    (functional, group) = (elements[1], elements[6]);
                    break;
                case "ST" when elements.Length > 2:
                    (set, control) = (elements[1], elements[2]);
                    break;
            }
        }

        return new EdiEnvelopeGuess(functional, group, set, control);
    }
}
