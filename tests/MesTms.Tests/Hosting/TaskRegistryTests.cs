using System.Text.Json;
using MesTms.LocalHost.Emulators;
using MesTms.Pipeline.Hosting;
using MesTms.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MesTms.Tests.Hosting;

/// <summary>
/// One task registry for all hosts (issue 14): the Functions app, built from this solution, binds every registered
/// orchestrator and activity (<see cref="WorkflowTasks.All"/>, the list the local host's and the tests' workers register)
/// with the right Durable trigger, and serves every HTTP route the local host serves.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class TaskRegistryTests(EmulatorFixture emulators)
{
    sealed record BoundFunction(string Name, string Trigger, string? Route, IReadOnlyList<string> Methods, string? AuthLevel);

    static IReadOnlyList<BoundFunction> FunctionsMetadata()
    {
        // The test binaries sit in tests/MesTms.Tests/bin/{Configuration}/net10.0: the Functions app is built alongside.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string path = Path.Combine(LocalEmulators.FindRepositoryRoot(), "functions", "MesTms.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Functions app was not built");
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(path));
        return metadata.RootElement.EnumerateArray().Select(f =>
        {
            JsonElement trigger = f.GetProperty("bindings")[0];
            return new BoundFunction(f.GetProperty("name").GetString()!, trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out JsonElement r) ? r.GetString() : null,
                trigger.TryGetProperty("methods", out JsonElement m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [],
                trigger.TryGetProperty("authLevel", out JsonElement a) ? a.ToString() : null);
        }).ToList();
    }

    [Fact]
    public void The_Functions_app_binds_every_registered_orchestrator_and_activity_with_its_trigger()
    {
        Dictionary<string, string> bound = FunctionsMetadata().Where(f => f.Trigger is "orchestrationTrigger" or "activityTrigger")
            .ToDictionary(f => f.Name, f => f.Trigger);

        foreach (WorkflowTask task in WorkflowTasks.All)
        {
            Assert.True(bound.TryGetValue(task.Name, out string? trigger), $"{task.Kind} {task.Name} has no Functions trigger");
            Assert.Equal(task.Kind == WorkflowTaskKind.Orchestrator ? "orchestrationTrigger" : "activityTrigger", trigger);
        }

        Assert.Empty(bound.Keys.Except(WorkflowTasks.All.Select(t => t.Name)));
        Assert.Equal(WorkflowTasks.All.Count, WorkflowTasks.All.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public async Task The_Functions_app_serves_every_HTTP_route_of_the_local_host_with_the_same_methods()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        HashSet<string> local = app.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText!["/api/".Length..]}"))
            .ToHashSet(StringComparer.Ordinal);
        HashSet<string> functions = FunctionsMetadata().Where(f => f.Trigger == "httpTrigger")
            .SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}")).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(local);
        Assert.Empty(local.Except(functions));
        Assert.Empty(functions.Except(local));
    }

    [Fact]
    public void Each_route_of_the_route_table_is_one_Functions_trigger_of_the_same_name_template_methods_and_access()
    {
        Dictionary<string, BoundFunction> http = FunctionsMetadata().Where(f => f.Trigger == "httpTrigger").ToDictionary(f => f.Name);
        foreach (Pipeline.Http.ApiRoute route in ApiRoutes.All)
        {
            Assert.True(http.TryGetValue(route.Name, out BoundFunction? bound), $"route {route.Name} ({route.Template}) has no Functions trigger");
            Assert.Equal(route.Template, bound!.Route);
            Assert.Equal(route.Methods.Select(m => m.ToUpperInvariant()).Order(), bound.Methods.Order());
            // The metadata writes the level as its enum name or number (Anonymous = 0, Function = 1).
            // The platform lets every call through; the route table's keys decide (ApiKeys), the same as on the local host.
            Assert.Contains(bound.AuthLevel, (string[])["Anonymous", "0"]);
        }

        Assert.Empty(http.Keys.Except(ApiRoutes.All.Select(r => r.Name)));
        Assert.Equal(ApiRoutes.All.Count, ApiRoutes.All.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void The_Functions_app_sweeps_the_webhook_outbox_on_a_timer()
    {
        // Webhook calls sweep too, but an app that receives no more events must still route what a stopped instance left.
        Assert.Contains(FunctionsMetadata(), f => f.Name == "SweepEventOutbox" && f.Trigger == "timerTrigger");
    }
}
