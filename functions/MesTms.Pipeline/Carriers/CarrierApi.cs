using MesTms.Domain.Rating;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Carriers;

/// <summary>One contracted carrier: its contract's service figures and what the bridge observed since (what ranking uses).</summary>
public sealed record CarrierStanding(string Scac, string Name, CarrierPerformance Contract, CarrierPerformance Observed, decimal ServiceRate, string Connection);

public sealed record CarrierList(IReadOnlyList<CarrierStanding> Carriers);

/// <summary><c>GET /api/carriers</c>: every contracted carrier with its contract and observed on-time and acceptance rates.</summary>
public sealed class CarrierApi(CarrierCatalog catalog, ICarrierPerformanceStore performance, CarrierOptions options)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("ListCarriers", "carriers", call => call.Service<CarrierApi>().ListAsync(call.Http))
            .Documented(new ApiDoc("Carriers", "Carrier standings",
                "Every contracted carrier: the contract's on-time delivery, on-time pick-up and tender acceptance, the rates observed since " +
                "(exponentially weighted from status reports and tender answers) that ranking uses, and how it is connected (edi or http).",
                [new ApiAnswer(200, "The carriers, by SCAC.", typeof(CarrierList))])),
    ];

    public async Task<IResult> ListAsync(HttpContext http)
    {
        if (catalog.Shopper is not { } shopper)
        {
            return HttpJson.Ok(new CarrierList([]));
        }

        IReadOnlyDictionary<string, CarrierPerformance> observed;
        try
        {
            observed = await performance.GetAllAsync(http.RequestAborted);
        }
        catch (Exception e) when (CosmosStore.IsTransient(e) && !http.RequestAborted.IsCancellationRequested)
        {
            return HttpJson.Unavailable("The carrier performance store could not be reached.");
        }

        return HttpJson.Ok(new CarrierList(shopper.Carriers.OrderBy(c => c.Scac, StringComparer.Ordinal).Select(c =>
        {
            CarrierPerformance seen = observed.GetValueOrDefault(c.Scac) ?? c.Performance;
            return new CarrierStanding(c.Scac, c.Name, c.Performance, seen, decimal.Round(seen.ServiceRate, 4),
                options.Edi.ContainsKey(c.Scac) ? "edi" : "http");
        }).ToList()));
    }
}
