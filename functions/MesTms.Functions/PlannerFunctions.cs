using MesTms.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace MesTms.Functions;

/// <summary>The planner API (function-key auth).</summary>
public sealed class PlannerFunctions(PlannerApi api, TenderApi tenders, HoldApi holds, DockApi docks)
{
    [Function("GetShipment")]
    public async Task<IActionResult> GetShipment(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "shipments/{orderId}")] HttpRequest request, string orderId)
    {
        await api.GetShipmentAsync(request.HttpContext, orderId);
        return new EmptyResult();
    }

    [Function("GetContractSchema")]
    public async Task<IActionResult> GetContractSchema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schemas/{name}")] HttpRequest request, string name)
    {
        await ContractSchemaApi.GetAsync(request.HttpContext, name);
        return new EmptyResult();
    }

    [Function("GetLoad")]
    public async Task<IActionResult> GetLoad(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "loads/{loadId}")] HttpRequest request, string loadId)
    {
        await api.GetLoadAsync(request.HttpContext, loadId);
        return new EmptyResult();
    }

    [Function("GetDockSchedule")]
    public async Task<IActionResult> GetDockSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "plants/{plantId}/docks")] HttpRequest request, string plantId)
    {
        await docks.GetScheduleAsync(request.HttpContext, plantId);
        return new EmptyResult();
    }

    [Function("ReleaseQualityHold")]
    public async Task<IActionResult> ReleaseQualityHold(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "shipments/{orderId}/holds/{holdId}/release")] HttpRequest request, string orderId, string holdId,
        [Microsoft.Azure.Functions.Worker.DurableClient] Microsoft.DurableTask.Client.DurableTaskClient durable)
    {
        await holds.ReleaseAsync(request.HttpContext, orderId, holdId, durable);
        return new EmptyResult();
    }

    [Function("PostTenderResponse")]
    public async Task<IActionResult> PostTenderResponse(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "tenders/{tenderId}/response")] HttpRequest request, string tenderId,
        [Microsoft.Azure.Functions.Worker.DurableClient] Microsoft.DurableTask.Client.DurableTaskClient durable)
    {
        await tenders.PostResponseAsync(request.HttpContext, tenderId, durable);
        return new EmptyResult();
    }

    [Function("ListRejectedEvents")]
    public async Task<IActionResult> ListRejectedEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "events/rejected")] HttpRequest request)
    {
        await api.ListRejectedEventsAsync(request.HttpContext);
        return new EmptyResult();
    }
}
