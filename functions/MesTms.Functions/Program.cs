using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddMesTmsPipeline(builder.Configuration);
// Every activity the triggers run, from the one task list (WorkflowTasks).
builder.Services.AddMesTmsActivities();

IHost host = builder.Build();
await host.Services.GetRequiredService<CosmosStore>().EnsureCreatedAsync();
await host.RunAsync();
