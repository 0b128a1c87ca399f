using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MesTms.Tests.Fixtures;

/// <summary>How a fake carrier's tender API behaves.</summary>
public enum CarrierBehaviour
{
    /// <summary>Takes the tender (200) and accepts it through the bridge's tender API.</summary>
    Accept,

    /// <summary>Takes the tender (200) and declines it through the bridge's tender API.</summary>
    Decline,

    /// <summary>Takes the tender (200) and never answers: the tender times out.</summary>
    Silent,

    /// <summary>Answers 503 Service Unavailable.</summary>
    ServerError,

    /// <summary>Accepts the connection and never answers the request.</summary>
    Hang,

    /// <summary>Closes the connection without an answer.</summary>
    DropConnection,
}

/// <summary>
/// Carrier tender APIs on a real HTTP server (loopback, free port) for the HTTP carrier adapter: each SCAC behaves as
/// configured, and every request is counted, so a test sees exactly how often the bridge called.
/// </summary>
public sealed class FakeCarriers : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);

    FakeCarriers(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Where the bridge answers tenders (the local host under test), set once it is started.</summary>
    public Uri? Bridge { get; set; }

    public IDictionary<string, CarrierBehaviour> Behaviour { get; } = new ConcurrentDictionary<string, CarrierBehaviour>(StringComparer.Ordinal);

    public int Calls(string scac) => calls.GetValueOrDefault(scac);

    /// <summary>Bridge settings pointing the HTTP adapter of every carrier at this server.</summary>
    public Dictionary<string, string?> Endpoints(params string[] scacs) =>
        scacs.ToDictionary(s => $"MesTms:Carriers:Endpoints:{s}", s => (string?)new Uri(BaseAddress, $"carriers/{s}").ToString());

    public static async Task<FakeCarriers> StartAsync()
    {
        FakeCarriers? carriers = null;
        (WebApplication app, Uri address) = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/carriers/{scac}", (HttpContext http, string scac) => carriers!.TenderAsync(http, scac));
            app.MapPost("/carriers/{scac}/{kind}", (string scac, string kind) => Results.Ok());
        });
        carriers = new FakeCarriers(app, address);
        return carriers;
    }

    async Task TenderAsync(HttpContext http, string scac)
    {
        calls.AddOrUpdate(scac, 1, (_, n) => n + 1);
        LoadTender tender = (await http.Request.ReadFromJsonAsync<LoadTender>(CosmosStore.Json))!;
        switch (Behaviour.TryGetValue(scac, out CarrierBehaviour behaviour) ? behaviour : CarrierBehaviour.Accept)
        {
            case CarrierBehaviour.ServerError:
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case CarrierBehaviour.Hang:
                await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { });
                return;
            case CarrierBehaviour.DropConnection:
                http.Abort();
                return;
            case CarrierBehaviour.Silent:
                return;
            case var answer:
                _ = AnswerAsync(tender, answer == CarrierBehaviour.Accept);
                return;
        }
    }

    async Task AnswerAsync(LoadTender tender, bool accept)
    {
        await Task.Delay(50);
        using var client = new HttpClient { BaseAddress = Bridge };
        var response = new TenderResponse(accept ? TenderResponse.Accept : TenderResponse.Decline, accept ? null : "No trucks on this lane", tender.Scac, null);
        await client.PostAsJsonAsync($"api/tenders/{tender.TenderId}/response", response, CosmosStore.Json);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
