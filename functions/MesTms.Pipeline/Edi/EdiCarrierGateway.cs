using System.Globalization;
using System.Text;
using MesTms.Domain.Edi;
using MesTms.Domain.Shipments;
using MesTms.Domain;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.Edi;

/// <summary>
/// Carriers configured for EDI (<c>MesTms:Carriers:Edi:{SCAC}</c>) get X12 instead of JSON: a tender goes out as a 204
/// (B2A 00), a withdrawal as a 204 cancellation (B2A 01), a dock appointment change as a 204 change (B2A 04) with the new
/// window; every other carrier goes through <paramref name="inner"/>. Each document is stored before it travels, under an
/// id from its message (a retried activity resends the very same interchange, control numbers included), then POSTed to
/// the carrier's endpoint or written to its drop folder. A 997 in the endpoint's answer is read at once; 990s and 214s
/// come to <c>POST /api/carriers/{scac}/edi</c> or the drop folder (<see cref="EdiInbound"/>).
/// </summary>
public sealed class EdiCarrierGateway(
    ICarrierGateway inner,
    CarrierOptions options,
    IEdiDocumentStore documents,
    ITenderStore tenders,
    IShipmentStore shipments,
    EdiTransport transport,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<EdiCarrierGateway> logger) : ICarrierGateway
{
    public async Task<string?> SendAsync(LoadTender tender, CancellationToken cancellationToken = default) =>
        options.Edi.TryGetValue(tender.Scac, out EdiPartnerOptions? partner)
            ? await SendX12Async(tender.Scac, partner, tender.TenderId, [tender.TenderId], EdiTenders.ToX12(tender, EdiTenders.Original, null), cancellationToken, tender.SentAt)
            : await inner.SendAsync(tender, cancellationToken);

    public async Task<TenderDelivery> DeliverAsync(LoadTender tender, CancellationToken cancellationToken = default) =>
        options.Edi.ContainsKey(tender.Scac) ? new TenderDelivery(await SendAsync(tender, cancellationToken)) : await inner.DeliverAsync(tender, cancellationToken);

    public async Task<string?> WithdrawTenderAsync(CarrierMessage message, CancellationToken cancellationToken = default)
    {
        if (!options.Edi.TryGetValue(message.Scac, out EdiPartnerOptions? partner))
        {
            return await inner.WithdrawTenderAsync(message, cancellationToken);
        }

        if (message.TenderId is null || await tenders.GetAsync(message.TenderId, cancellationToken) is not { } stored)
        {
            return $"no tender {message.TenderId} to cancel over EDI";
        }

        return await SendX12Async(message.Scac, partner, message.Id, [stored.Id], EdiTenders.ToX12(stored.Tender, EdiTenders.Cancellation, null), cancellationToken);
    }

    public async Task<string?> NotifyAppointmentAsync(CarrierMessage message, CancellationToken cancellationToken = default)
    {
        if (!options.Edi.TryGetValue(message.Scac, out EdiPartnerOptions? partner))
        {
            return await inner.NotifyAppointmentAsync(message, cancellationToken);
        }

        if (message.Body is not DockAppointmentChanged change
            || await shipments.GetAsync(new OrderKey(change.PlantId, change.ShipmentId), cancellationToken) is not { Booking.TenderId: { } tenderId }
            || await tenders.GetAsync(tenderId, cancellationToken) is not { } stored)
        {
            return "no booked tender to change over EDI for this appointment";
        }

        return await SendX12Async(message.Scac, partner, message.Id, [stored.Id], EdiTenders.ToX12(stored.Tender, EdiTenders.Change, change), cancellationToken);
    }

    /// <param name="datedAt">The moment the document is dated by in its GS (a tender: when it was sent as decided), never after now.</param>
    async Task<string?> SendX12Async(string scac, EdiPartnerOptions partner, string messageId, IReadOnlyList<string> tenderIds, X12Transaction transaction,
        CancellationToken cancellationToken, DateTimeOffset? datedAt = null)
    {
        string id = $"out|{scac}|{messageId}";
        EdiDocument? document = await documents.GetAsync(id, cancellationToken);
        if (document is null)
        {
            long control = await documents.NextControlNumberAsync(scac, cancellationToken);
            DateTimeOffset now = clock.GetUtcNow();
            string text = EdiEnvelopes.Write(partner, scac, control, datedAt is { } dated && dated < now ? dated : now, transaction.Code == "997" ? "FA" : "SM", [transaction]);
            (document, _) = await documents.CreateAsync(new EdiDocument
            {
                Id = id, Scac = scac, Direction = EdiDocument.Outbound, Sets = [transaction.Code], InterchangeControl = control.ToString(CultureInfo.InvariantCulture),
                GroupControl = control.ToString(CultureInfo.InvariantCulture), TenderIds = tenderIds, Status = "pending", Text = text, At = now, UpdatedAt = now,
            }, cancellationToken);
        }

        EdiSendResult sent = await transport.SendAsync(scac, partner, document.Id, document.Text, cancellationToken);
        await documents.UpdateAsync(id, d => d with
        {
            Status = sent.Undeliverable is null ? d.Status is "accepted" or "rejected" ? d.Status : "sent" : "undeliverable",
            Error = sent.Undeliverable, UpdatedAt = clock.GetUtcNow(),
        }, cancellationToken);
        if (sent.Reply is { Length: > 0 } reply)
        {
            // The carrier's translator answered in the same call (typically its 997): read it like any inbound interchange. Resolved
            // here, not injected: reading statuses reaches the dock schedule, whose appointment notices come back to this gateway.
            await services.GetRequiredService<EdiInbound>().ReceiveAsync(scac, reply, durable: null, cancellationToken);
        }

        logger.LogInformation("EDI {Set} {Id} to {Scac}: {Status}", transaction.Code, messageId, scac, sent.Undeliverable ?? "sent");
        return sent.Undeliverable;
    }
}

/// <summary>How a document travelled: refused (why) or delivered, with what the carrier answered in the same call (X12 text, if any).</summary>
public sealed record EdiSendResult(string? Undeliverable, string? Reply = null);

/// <summary>
/// How X12 travels to a carrier: HTTP POST (<c>application/edi-x12</c>; 5xx, timeouts and refused connections throw for
/// the activity to retry, a 4xx is undeliverable) or a file in its drop folder's <c>outbound/</c> (written whole, then renamed).
/// </summary>
public sealed class EdiTransport(IHttpClientFactory http, CarrierOptions options)
{
    public const string HttpClientName = "carrier-edi";
    public const string MediaType = "application/edi-x12";

    public async Task<EdiSendResult> SendAsync(string scac, EdiPartnerOptions partner, string documentId, string text, CancellationToken cancellationToken)
    {
        if (partner.DropFolder is { Length: > 0 } folder)
        {
            string outbound = Path.Combine(folder, "outbound");
            Directory.CreateDirectory(outbound);
            string name = EdiDropFolders.FileName(documentId);
            string temporary = Path.Combine(outbound, name + FolderChanges.PartSuffix);
            await File.WriteAllTextAsync(temporary, text, Encoding.ASCII, cancellationToken);
            File.Move(temporary, Path.Combine(outbound, name), overwrite: true);
            return new EdiSendResult(null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, partner.Endpoint) { Content = new StringContent(text, Encoding.ASCII, MediaType) };
        HttpResponseMessage response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Http.CallTimeout);
        try
        {
            response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{scac}'s EDI endpoint did not answer within {options.Http.CallTimeout.TotalSeconds:0.#} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"{scac}'s EDI endpoint could not be reached: {e.Message}", e, e.StatusCode);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new HttpRequestException($"{scac}'s EDI endpoint answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new EdiSendResult($"{scac}'s EDI endpoint refused the document: HTTP {(int)response.StatusCode}");
            }

            string reply = await response.Content.ReadAsStringAsync(cancellationToken);
            return new EdiSendResult(null, reply.TrimStart().StartsWith("ISA", StringComparison.Ordinal) ? reply : null);
        }
    }
}

/// <summary>Our interchanges: ISA/GS with the partner's ids and one control number for the interchange and its group.</summary>
public static class EdiEnvelopes
{
    public static string Write(EdiPartnerOptions partner, string scac, long control, DateTimeOffset at, string functionalId, IReadOnlyList<X12Transaction> transactions)
    {
        string number = control.ToString(CultureInfo.InvariantCulture);
        var group = new X12Group(functionalId, partner.SenderId, partner.Receiver(scac), at, number, X12Interchange.GroupVersion,
            transactions.Select((t, i) => t with { ControlNumber = (i + 1).ToString("0000", CultureInfo.InvariantCulture) }).ToList());
        var interchange = new X12Interchange(partner.SenderQualifier, partner.SenderId, partner.ReceiverQualifier, partner.Receiver(scac), at, number,
            partner.Usage[0], false, partner.Delimiters, [group]);
        return X12Writer.Write(interchange);
    }
}

/// <summary>A load tender as an X12 204: the tender id as the shipment identification number (B2-04), which 990s and 214s echo.</summary>
public static class EdiTenders
{
    public const string Original = "original";
    public const string Cancellation = "cancellation";
    public const string Change = "change";

    public static X12Transaction ToX12(LoadTender tender, string purpose, DockAppointmentChanged? appointment)
    {
        DateTimeOffset pickupFrom = appointment?.Start ?? new DateTimeOffset(tender.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        DateTimeOffset? pickupTo = appointment is null ? pickupFrom.AddDays(1) : appointment.End;
        var stops = new List<TenderStop>
        {
            new(1, "LD", Text($"Plant {tender.PlantId}"), tender.PlantId, null, null, tender.OriginPostalCode, "US",
                appointment is { Start: null } ? null : pickupFrom, appointment is { Start: null } ? null : pickupTo, tender.WeightLb, tender.PalletPositions),
            new(2, "UL", Text(tender.DestinationLocationId), tender.DestinationLocationId, null, null, tender.DestinationPostalCode, tender.DestinationCountry,
                null, tender.DeliverBy, tender.WeightLb, tender.PalletPositions),
        };
        string? note = appointment is null ? null
            : appointment.DoorId is null ? Text($"Dock appointment released: {appointment.Reason}")
            : Text($"Door {appointment.DoorId} {appointment.Start:yyyy-MM-dd HH:mm}-{appointment.End:HH:mm} UTC ({appointment.Change})");
        var document = new LoadTender204(tender.Scac, tender.TenderId, purpose == Cancellation,
            [("PO", tender.OrderId), ("CR", tender.PlantId)], tender.Equipment.ToString(), tender.WeightLb, tender.CubeFt3, tender.PalletPositions, tender.Price,
            tender.RespondBy, tender.Hazmat?.UnNumber, tender.Hazmat?.HazardClass, tender.Hazmat?.PackingGroup, tender.Temperature?.MinCelsius, tender.Temperature?.MaxCelsius,
            note, stops) { Change = purpose == Change };
        return new X12Transaction("204", "0001", document.ToSegments());
    }

    /// <summary>Free text without the characters X12 reserves (any separator a partner may choose).</summary>
    static string Text(string value) => new(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '-' or ',' or '(' or ')' ? c : ' ').ToArray());
}
