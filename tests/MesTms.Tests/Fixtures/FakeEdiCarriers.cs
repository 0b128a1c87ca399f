using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MesTms.Domain.Edi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MesTms.Tests.Fixtures;

/// <summary>
/// A carrier's X12 translator on a real HTTP server (loopback, free port): it reads every interchange the bridge posts,
/// answers each in the same call with a 997, and answers an original 204 with a 990 (accept or decline, as configured)
/// posted to the bridge's <c>/api/carriers/{scac}/edi</c>, keeping the 997s the bridge answers with.
/// </summary>
public sealed class FakeEdiCarriers : IAsyncDisposable
{
    readonly WebApplication app;

    FakeEdiCarriers(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri? Bridge { get; set; }

    /// <summary>Accept (default), decline, or silent (no 990) per SCAC.</summary>
    public IDictionary<string, string> Answer { get; } = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every interchange received, read, by SCAC, in arrival order.</summary>
    public ConcurrentQueue<(string Scac, X12Interchange Interchange, string Text)> Received { get; } = new();

    /// <summary>The 997s the bridge answered our 990s with.</summary>
    public ConcurrentQueue<string> Acknowledgments { get; } = new();

    public string Endpoint(string scac) => new Uri(BaseAddress, $"edi/{scac}").ToString();

    public static async Task<FakeEdiCarriers> StartAsync()
    {
        FakeEdiCarriers? carriers = null;
        (WebApplication app, Uri address) = await LoopbackServer.StartAsync(app => app.MapPost("/edi/{scac}", (HttpContext http, string scac) => carriers!.ReceiveAsync(http, scac)));
        carriers = new FakeEdiCarriers(app, address);
        return carriers;
    }

    async Task ReceiveAsync(HttpContext http, string scac)
    {
        string text = await new StreamReader(http.Request.Body).ReadToEndAsync();
        X12Interchange interchange = X12Reader.Read(text);
        Received.Enqueue((scac, interchange, text));
        foreach (X12Transaction tender in interchange.Transactions.Where(t => t.Code == "204" && t.First("B2A")?[1] == "00"))
        {
            string answer = Answer.TryGetValue(scac, out string? a) ? a : "accept";
            if (answer != "silent")
            {
                _ = AnswerAsync(scac, tender.First("B2")![4], answer == "accept");
            }
        }

        http.Response.ContentType = "application/edi-x12";
        await http.Response.WriteAsync(CarrierX12.Acknowledge(scac, interchange));
    }

    async Task AnswerAsync(string scac, string tenderId, bool accept)
    {
        await Task.Delay(50);
        using var client = new HttpClient { BaseAddress = Bridge };
        HttpResponseMessage response = await client.PostAsync($"api/carriers/{scac}/edi",
            new StringContent(CarrierX12.Response990(scac, tenderId, accept, accept ? null : "No trucks on this lane"), Encoding.ASCII, "application/edi-x12"));
        Acknowledgments.Enqueue(await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>X12 as a carrier writes it (its SCAC as the interchange sender), with the separators it likes.</summary>
public static class CarrierX12
{
    static int control = 100;

    public static string Interchange(string scac, string functionalId, params X12Transaction[] transactions) =>
        Interchange(scac, functionalId, X12Delimiters.Standard, transactions);

    public static string Interchange(string scac, string functionalId, X12Delimiters delimiters, params X12Transaction[] transactions)
    {
        string number = Interlocked.Increment(ref control).ToString(CultureInfo.InvariantCulture);
        DateTimeOffset at = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        var group = new X12Group(functionalId, scac, "MESTMS", at, number, X12Interchange.GroupVersion,
            transactions.Select((t, i) => t with { ControlNumber = (i + 1).ToString("0000", CultureInfo.InvariantCulture) }).ToList());
        return X12Writer.Write(new X12Interchange("ZZ", scac, "ZZ", "MESTMS", at, number, 'P', false, delimiters, [group]));
    }

    public static string Response990(string scac, string tenderId, bool accept, string? reason = null) => Interchange(scac, "GF",
        new X12Transaction("990", "0001",
        [
            X12Segment.Of("B1", scac, tenderId, "20261130", accept ? "A" : "D", reason is null ? null : "A1"),
            X12Segment.Of("N9", "CN", $"{scac}-{tenderId.Length}"),
            .. reason is null ? Array.Empty<X12Segment>() : [X12Segment.Of("K1", reason)],
        ]));

    /// <summary>A 214 with one LX/AT7/MS1 loop per status (X3, AF, X1, D1…), each at its time (UTC).</summary>
    public static string Status214(string scac, string tenderId, params (string Code, DateTimeOffset At, string City)[] statuses) => Interchange(scac, "QM",
        new X12Transaction("214", "0001",
        [
            X12Segment.Of("B10", $"{scac}PRO1", tenderId, scac),
            X12Segment.Of("L11", tenderId, "BM"),
            .. statuses.SelectMany((s, i) => new[]
            {
                X12Segment.Of("LX", (i + 1).ToString(CultureInfo.InvariantCulture)),
                X12Segment.Of("AT7", s.Code, "NS", null, null, s.At.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                    s.At.UtcDateTime.ToString("HHmm", CultureInfo.InvariantCulture), "UT"),
                X12Segment.Of("MS1", s.City, "IN", "US"),
            }),
        ]));

    /// <summary>The 997 a carrier's translator sends for every group it read: all accepted.</summary>
    public static string Acknowledge(string scac, X12Interchange received) => Interchange(scac, "FA",
        received.Groups.Select(g => new X12Transaction("997", "0001", FunctionalAcknowledgment997.Accept(g).ToSegments())).ToArray());
}
