using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddMesTmsPipeline(builder.Configuration);
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.RegisterShipment>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.ReadQualityHolds>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.RecordShipmentDecision>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.EscalateQualityHold>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.RateShipment>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.SendTender>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.RecordTenderOutcome>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.BookShipment>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.ReportTenderExhausted>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.PrepareLoadShipment>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.ApplyLoadOutcome>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.WithdrawLoadPlan>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.ApplyActualCompletion>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.ScheduleDock>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.SuspendBookingForHold>();
builder.Services.AddSingleton<MesTms.Pipeline.Workflows.WithdrawTenderForHold>();

IHost host = builder.Build();
await host.Services.GetRequiredService<CosmosStore>().EnsureCreatedAsync();
await host.RunAsync();
