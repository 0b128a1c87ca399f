using MesTms.Pipeline.Webhook;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace MesTms.Functions;

/// <summary>The Event Grid webhook. Function-key auth: Event Grid calls it with <c>?code=</c>.</summary>
public sealed class MesEventFunctions(MesEventWebhook webhook)
{
    [Function("MesEvents")]
    public async Task<IActionResult> Receive(
        [HttpTrigger(AuthorizationLevel.Function, "post", "options", Route = "events/mes")] HttpRequest request,
        [DurableClient] DurableTaskClient durable)
    {
        if (HttpMethods.IsOptions(request.Method))
        {
            await MesEventWebhook.HandleOptionsAsync(request.HttpContext);
        }
        else
        {
            await webhook.HandleAsync(request.HttpContext, durable);
        }

        return new EmptyResult();
    }
}
