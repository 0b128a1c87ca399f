using System.Net.Http.Json;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.Tendering;

/// <summary>Delivers tenders to carriers. Answers come back later through <see cref="TenderResponseService"/>.</summary>
public interface ICarrierGateway
{
    /// <summary>Returns null when the tender was delivered, or why it could not be (the carrier is then skipped).</summary>
    Task<string?> SendAsync(LoadTender tender, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a tender to a carrier whose API may answer in the same call: the answer (accept or decline) comes back in
    /// <see cref="TenderDelivery.Answer"/> instead of later through the tender answers API. By default the answer comes later.
    /// </summary>
    async Task<TenderDelivery> DeliverAsync(LoadTender tender, CancellationToken cancellationToken = default) =>
        new(await SendAsync(tender, cancellationToken));

    /// <summary>Tells the carrier its dock appointment was set or changed (or released). Returns why it could not be delivered, or null.</summary>
    Task<string?> NotifyAppointmentAsync(CarrierMessage message, CancellationToken cancellationToken = default);

    /// <summary>Withdraws an accepted tender (before the carrier's cancellation-fee window). Returns why it could not be delivered, or null.</summary>
    Task<string?> WithdrawTenderAsync(CarrierMessage message, CancellationToken cancellationToken = default);
}

/// <summary>How sending a tender went: refused (<see cref="Undeliverable"/>), delivered, or delivered and answered at once (<see cref="Answer"/>).</summary>
public sealed record TenderDelivery(string? Undeliverable, TenderResponse? Answer = null);

/// <summary>A message to a carrier other than a tender: an appointment notice or a tender withdrawal.</summary>
public sealed record CarrierMessage(string Id, string Scac, string Kind, string? TenderId, DateTimeOffset At, object Body);

/// <summary>Telling a carrier that a tender (open or accepted) is withdrawn; one message id per tender, so a retried activity repeats it.</summary>
public static class CarrierWithdrawals
{
    /// <returns>Null when the carrier was told; otherwise the words a decision needs so planners phone the carrier.</returns>
    public static async Task<string?> TellAsync(ICarrierGateway gateway, string tenderId, string scac, DateTimeOffset at, object body,
        CancellationToken cancellationToken = default)
    {
        string? undelivered = await gateway.WithdrawTenderAsync(new CarrierMessage($"{tenderId}|withdrawn", scac, "withdrawal", tenderId, at, body), cancellationToken);
        return undelivered is null ? null : $"{scac} could not be told electronically ({undelivered}): call them";
    }
}

/// <summary>Dock appointment notices go to the booked carrier through its gateway.</summary>
public sealed class CarrierAppointmentNotices(ICarrierGateway gateway) : ICarrierAppointmentNotices
{
    public Task<string?> TellAsync(string noticeId, string scac, DateTimeOffset at, DockAppointmentChanged change, CancellationToken cancellationToken = default) =>
        gateway.NotifyAppointmentAsync(new CarrierMessage(noticeId, scac, "appointment", null, at, change), cancellationToken);
}

/// <summary>
/// HTTP adapter: POSTs the tender as JSON to the carrier's endpoint (<c>MesTms:Carriers:Endpoints:{SCAC}</c>);
/// the carrier answers at <c>POST /api/tenders/{tenderId}/response</c>. Calls go through a per-carrier resilience
/// pipeline (timeout, circuit breaker; see <see cref="CarrierHttpOptions"/>): a failing call throws
/// <see cref="HttpRequestException"/> for the activity to retry, a carrier whose circuit is open is reported
/// undeliverable at once.
/// </summary>
public sealed class HttpCarrierGateway(HttpClient http, CarrierOptions options) : ICarrierGateway
{
    /// <summary>The SCAC a request is for: the resilience pipeline (and so the circuit breaker) is chosen per carrier.</summary>
    public static readonly HttpRequestOptionsKey<string> CarrierKey = new("mestms.carrier");

    public async Task<string?> SendAsync(LoadTender tender, CancellationToken cancellationToken = default)
    {
        if (!options.Endpoints.TryGetValue(tender.Scac, out string? endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri))
        {
            return $"no tender endpoint configured for {tender.Scac} ({CarrierOptions.Section}:Endpoints:{tender.Scac})";
        }

        return await CallAsync(tender.Scac, "tender", uri, tender, cancellationToken);
    }

    public Task<string?> NotifyAppointmentAsync(CarrierMessage message, CancellationToken cancellationToken = default) =>
        PostAsync(message, "appointments", cancellationToken);

    public Task<string?> WithdrawTenderAsync(CarrierMessage message, CancellationToken cancellationToken = default) =>
        PostAsync(message, "withdrawals", cancellationToken);

    /// <summary>POSTs to <c>{endpoint}/{path}</c> (e.g. <c>…/tenders/HRTL/appointments</c>); the message id lets the carrier de-duplicate.</summary>
    async Task<string?> PostAsync(CarrierMessage message, string path, CancellationToken cancellationToken)
    {
        if (!options.Endpoints.TryGetValue(message.Scac, out string? endpoint) || !Uri.TryCreate(endpoint.TrimEnd('/') + "/" + path, UriKind.Absolute, out Uri? uri))
        {
            return $"no endpoint configured for {message.Scac} ({CarrierOptions.Section}:Endpoints:{message.Scac})";
        }

        return await CallAsync(message.Scac, message.Kind, uri, message, cancellationToken);
    }

    async Task<string?> CallAsync<T>(string scac, string what, Uri uri, T body, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body, options: CosmosStore.Json) };
        request.Options.Set(CarrierKey, scac);
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            return $"{scac}'s API is failing: its circuit is open for up to {options.Http.BreakDuration.TotalSeconds:0} s after repeated errors, so the {what} was not sent";
        }
        catch (TimeoutRejectedException e)
        {
            throw new HttpRequestException($"{scac} did not answer the {what} within {options.Http.CallTimeout.TotalSeconds:0.#} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"{scac}'s API could not be reached for the {what}: {e.Message}", e, e.StatusCode);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new HttpRequestException($"{scac} answered the {what} with HTTP {(int)response.StatusCode}", null, response.StatusCode);
            }

            return response.IsSuccessStatusCode ? null : $"{scac} refused the {what} message: HTTP {(int)response.StatusCode}";
        }
    }
}
