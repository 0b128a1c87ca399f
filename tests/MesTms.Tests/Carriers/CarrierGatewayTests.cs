using System.Net;
using System.Text.Json;
using MesTms.Domain.Rating;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Tendering;
using Moq;
using Moq.Protected;

namespace MesTms.Tests.Carriers;

public sealed class CarrierGatewayTests
{
    static readonly LoadTender Tender = new("P100.PO-1.T1", "HRTL", "original", "P100|PO-1", "P100", "PO-1", ServiceMode.Ftl, Equipment.DryVan,
        "46218", "DC-ATL-01", "30336", "US", new DateOnly(2026, 11, 25), new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero),
        20_700, 1_040, 18, null, null, 1647.10m, "USD", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_HTTP_adapter_posts_the_tender_as_JSON_to_the_carriers_endpoint()
    {
        var handler = new Mock<HttpMessageHandler>();
        HttpRequestMessage? sent = null;
        string? body = null;
        handler.Protected().Setup<Task<HttpResponseMessage>>("SendAsync", ItExpr.IsAny<HttpRequestMessage>(), ItExpr.IsAny<CancellationToken>())
            .Returns(async (HttpRequestMessage request, CancellationToken _) =>
            {
                sent = request;
                body = await request.Content!.ReadAsStringAsync();
                return new HttpResponseMessage(HttpStatusCode.Accepted);
            });
        var options = new CarrierOptions { Endpoints = { ["HRTL"] = "https://edi.heartland.example/tenders" } };

        string? problem = await new HttpCarrierGateway(new HttpClient(handler.Object), options).SendAsync(Tender);

        Assert.Null(problem);
        Assert.Equal(HttpMethod.Post, sent!.Method);
        Assert.Equal("https://edi.heartland.example/tenders", sent.RequestUri!.ToString());
        JsonElement json = JsonDocument.Parse(body!).RootElement;
        Assert.Equal("P100.PO-1.T1", json.GetProperty("tenderId").GetString());
        Assert.Equal(1647.10m, json.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task A_carrier_without_an_endpoint_or_refusing_the_message_is_reported_not_thrown()
    {
        var handler = new Mock<HttpMessageHandler>();
        handler.Protected().Setup<Task<HttpResponseMessage>>("SendAsync", ItExpr.IsAny<HttpRequestMessage>(), ItExpr.IsAny<CancellationToken>())
            .ReturnsAsync(new HttpResponseMessage(HttpStatusCode.BadRequest));
        var gateway = new HttpCarrierGateway(new HttpClient(handler.Object), new CarrierOptions { Endpoints = { ["HRTL"] = "https://edi.example/t" } });

        Assert.Contains("HTTP 400", await gateway.SendAsync(Tender));
        Assert.Contains("no tender endpoint configured for SWFL", await gateway.SendAsync(Tender with { Scac = "SWFL" }));
    }

    [Fact]
    public async Task A_carrier_outage_throws_so_the_activity_retries()
    {
        var handler = new Mock<HttpMessageHandler>();
        handler.Protected().Setup<Task<HttpResponseMessage>>("SendAsync", ItExpr.IsAny<HttpRequestMessage>(), ItExpr.IsAny<CancellationToken>())
            .ReturnsAsync(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var gateway = new HttpCarrierGateway(new HttpClient(handler.Object), new CarrierOptions { Endpoints = { ["HRTL"] = "https://edi.example/t" } });

        await Assert.ThrowsAsync<HttpRequestException>(() => gateway.SendAsync(Tender));
    }

    [Fact]
    public void The_simulated_carriers_decide_the_same_way_on_every_run()
    {
        double[] first = Enumerable.Range(1, 200).Select(i => SimulatedCarrierGateway.Draw(7, $"P100.PO-{i}.T1")).ToArray();
        double[] again = Enumerable.Range(1, 200).Select(i => SimulatedCarrierGateway.Draw(7, $"P100.PO-{i}.T1")).ToArray();
        double[] otherSeed = Enumerable.Range(1, 200).Select(i => SimulatedCarrierGateway.Draw(8, $"P100.PO-{i}.T1")).ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.All(first, d => Assert.InRange(d, 0, 1));
        Assert.InRange(first.Count(d => d < 0.85) / 200d, 0.75, 0.95); // close to the configured acceptance
    }
}
