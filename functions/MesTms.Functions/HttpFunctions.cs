using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace MesTms.Functions;

/// <summary>
/// One HTTP trigger per route of the route table (<see cref="ApiRoutes"/>): the same name, template and methods, and the
/// table's handler behind it. The triggers are anonymous to the platform: the table's own keys (<see cref="ApiKeys"/>: MES,
/// planner, per carrier; required in Azure) guard every route, as on the local host, and Event Grid sends the MES key as a
/// delivery header. <c>TaskRegistryTests</c> compare the built <c>functions.metadata</c> with the table.
/// </summary>
public sealed class HttpFunctions
{
    [Function("MesEvents")]
    public Task<IActionResult> MesEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "events/mes")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) => Run("MesEvents", request, durable);

    [Function("ListRejectedEvents")]
    public Task<IActionResult> ListRejectedEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/rejected")] HttpRequest request) => Run("ListRejectedEvents", request);

    [Function("ListNotifications")]
    public Task<IActionResult> ListNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notifications")] HttpRequest request) => Run("ListNotifications", request);

    [Function("GetContractSchema")]
    public Task<IActionResult> GetContractSchema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schemas/{name}")] HttpRequest request, string name) =>
        Run("GetContractSchema", request, null, ("name", name));

    [Function("ReleaseQualityHold")]
    public Task<IActionResult> ReleaseQualityHold(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "shipments/{orderId}/holds/{holdId}/release")] HttpRequest request, string orderId, string holdId,
        [DurableClient] DurableTaskClient durable) => Run("ReleaseQualityHold", request, durable, ("orderId", orderId), ("holdId", holdId));

    [Function("GetShipment")]
    public Task<IActionResult> GetShipment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "shipments/{orderId}")] HttpRequest request, string orderId) =>
        Run("GetShipment", request, null, ("orderId", orderId));

    [Function("GetLoad")]
    public Task<IActionResult> GetLoad(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "loads/{loadId}")] HttpRequest request, string loadId) =>
        Run("GetLoad", request, null, ("loadId", loadId));

    [Function("GetDockSchedule")]
    public Task<IActionResult> GetDockSchedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "plants/{plantId}/docks")] HttpRequest request, string plantId) =>
        Run("GetDockSchedule", request, null, ("plantId", plantId));

    [Function("PostTenderResponse")]
    public Task<IActionResult> PostTenderResponse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenders/{tenderId}/response")] HttpRequest request, string tenderId,
        [DurableClient] DurableTaskClient durable) => Run("PostTenderResponse", request, durable, ("tenderId", tenderId));

    [Function("PostCarrierStatus")]
    public Task<IActionResult> PostCarrierStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenders/{tenderId}/status")] HttpRequest request, string tenderId,
        [DurableClient] DurableTaskClient durable) => Run("PostCarrierStatus", request, durable, ("tenderId", tenderId));

    [Function("ListCarriers")]
    public Task<IActionResult> ListCarriers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "carriers")] HttpRequest request) => Run("ListCarriers", request);

    [Function("PostCarrierEdi")]
    public Task<IActionResult> PostCarrierEdi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carriers/{scac}/edi")] HttpRequest request, string scac,
        [DurableClient] DurableTaskClient durable) => Run("PostCarrierEdi", request, durable, ("scac", scac));

    [Function("ListCarrierEdi")]
    public Task<IActionResult> ListCarrierEdi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "carriers/{scac}/edi")] HttpRequest request, string scac) =>
        Run("ListCarrierEdi", request, null, ("scac", scac));

    [Function("RetenderOrder")]
    public Task<IActionResult> RetenderOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "shipments/{orderId}/retender")] HttpRequest request, string orderId,
        [DurableClient] DurableTaskClient durable) => Run("RetenderOrder", request, durable, ("orderId", orderId));

    [Function("RetenderLoad")]
    public Task<IActionResult> RetenderLoad(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "loads/{loadId}/retender")] HttpRequest request, string loadId,
        [DurableClient] DurableTaskClient durable) => Run("RetenderLoad", request, durable, ("loadId", loadId));

    [Function("GetPlantBoard")]
    public Task<IActionResult> GetPlantBoard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "plants/{plantId}/board")] HttpRequest request, string plantId) =>
        Run("GetPlantBoard", request, null, ("plantId", plantId));

    [Function("StreamPlantBoard")]
    public Task<IActionResult> StreamPlantBoard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "plants/{plantId}/board/stream")] HttpRequest request, string plantId) =>
        Run("StreamPlantBoard", request, null, ("plantId", plantId));

    [Function("GetDashboard")]
    public Task<IActionResult> GetDashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request) => Run("GetDashboard", request);

    [Function("GetOpenApiDocument")]
    public Task<IActionResult> GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request) => Run("GetOpenApiDocument", request);

    [Function("GetClock")]
    public Task<IActionResult> GetClock(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "clock")] HttpRequest request) => Run("GetClock", request);

    static async Task<IActionResult> Run(string route, HttpRequest request, DurableTaskClient? durable = null, params (string Name, string Value)[] values)
    {
        var call = new ApiCall(request.HttpContext, values.ToDictionary(v => v.Name, v => (string?)v.Value), durable);
        await ApiRoutes.Named(route).ExecuteAsync(call);
        return new EmptyResult();
    }
}
