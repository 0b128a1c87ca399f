using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddMesTmsPipeline(builder.Configuration);
// Every activity the triggers run, from the one task list (WorkflowTasks).
builder.Services.AddMesTmsActivities();

// OpenTelemetry (host.json telemetryMode): one trace per order through the worker's invocations, Durable Task's spans
// and the bridge's own; the bridge's metrics. Exported to Application Insights with the app's managed identity
// (AZURE_CLIENT_ID), when the connection string is set (Bicep sets it).
IOpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .WithTracing(tracing => tracing.AddSource(MesTmsTelemetry.Name, MesTmsTelemetry.DurableTaskSource))
    .WithMetrics(metrics => metrics.AddMeter(MesTmsTelemetry.Name));
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    telemetry.UseAzureMonitorExporter(monitor => monitor.Credential = new DefaultAzureCredential());
}

IHost host = builder.Build();
await host.Services.GetRequiredService<CosmosStore>().EnsureCreatedAsync();
await host.RunAsync();
