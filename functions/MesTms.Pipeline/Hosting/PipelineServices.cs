using MesTms.Domain.Loads;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Edi;
using MesTms.Pipeline.CarrierStatuses;
using MesTms.Pipeline.Dashboard;
using MesTms.Pipeline.Docks;
using MesTms.Pipeline.Events;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Loads;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Shipments;
using MesTms.Pipeline.Storage;
using MesTms.Pipeline.Time;
using MesTms.Pipeline.Telemetry;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace MesTms.Pipeline.Hosting;

/// <summary>Wiring shared by the Functions app, the local host and the tests.</summary>
public static class PipelineServices
{
    public const string ShipmentSection = "MesTms:Shipment";
    public const string ConsolidationSection = "MesTms:Consolidation";

    /// <summary>Registers options (bound from configuration), Cosmos adapters, the notifier, the webhook and the planner API.</summary>
    public static IServiceCollection AddMesTmsPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        Telemetry.DurableActivityCounter.Start();
        var cosmos = new CosmosOptions();
        configuration.GetSection(CosmosOptions.Section).Bind(cosmos);
        cosmos.Validate();
        var notifications = new NotificationOptions();
        configuration.GetSection(NotificationOptions.Section).Bind(notifications);
        if (notifications.Validate() is { Count: > 0 } notificationProblems)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, notificationProblems));
        }

        var policy = new ShipmentPolicy();
        configuration.GetSection(ShipmentSection).Bind(policy);
        IReadOnlyList<string> problems = policy.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        var consolidation = new ConsolidationPolicy();
        configuration.GetSection(ConsolidationSection).Bind(consolidation);
        problems = consolidation.Validate(ConsolidationSection);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        var keys = new ApiKeyOptions();
        configuration.GetSection(ApiKeyOptions.Section).Bind(keys);
        if (keys.Validate() is { Count: > 0 } keyProblems)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, keyProblems));
        }

        services.AddSingleton(keys);
        services.AddSingleton<ApiKeys>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(consolidation);
        services.AddSingleton<ILoadStore, CosmosLoadStore>();
        services.AddSingleton<LoadConsolidation>();
        var docks = new DockOptions();
        configuration.GetSection(DockOptions.Section).Bind(docks);
        if (docks.MaxDaysAhead is < 1 or > 30)
        {
            throw new InvalidOperationException($"{DockOptions.Section}:MaxDaysAhead must be 1-30");
        }

        services.AddSingleton(docks);
        services.AddSingleton(new DockCatalog(docks));
        services.AddSingleton<IDockStore, CosmosDockStore>();
        services.AddSingleton<DockScheduling>();
        services.AddSingleton<DockPrePlanning>();
        services.AddSingleton<DockApi>();
        services.AddSingleton(cosmos);
        services.AddSingleton(notifications);
        services.AddSingleton(policy);
        services.AddSingleton(sp => new CosmosStore(sp.GetRequiredService<CosmosOptions>(), sp.GetServices<Microsoft.Azure.Cosmos.RequestHandler>()));
        services.AddSingleton<IMesEventStore, CosmosMesEventStore>();
        services.AddSingleton<IRecordedCompletions, RecordedCompletions>();
        services.AddSingleton<IShipmentStore, CosmosShipmentStore>();
        services.AddSingleton<IQualityHoldStore, CosmosQualityHoldStore>();
        services.AddHttpClient(NotificationDeliveries.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<NotificationDeliveries>();
        services.AddHostedService<NotificationDeliveryWorker>();
        services.AddSingleton<NotificationApi>();
        services.TryAddSingleton<IPlannerNotifier, PlannerNotifier>();
        services.TryAddSingleton<WorkflowClockSource>();
        var carriers = new CarrierOptions();
        configuration.GetSection(CarrierOptions.Section).Bind(carriers);
        if (carriers.Validate() is { Count: > 0 } carrierProblems)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, carrierProblems));
        }

        var plants = new Dictionary<string, PlantOptions>(StringComparer.Ordinal);
        configuration.GetSection(PlantOptions.Section).Bind(plants);
        services.AddSingleton(carriers);
        services.AddSingleton(new CarrierCatalog(carriers, plants));
        services.AddSingleton<ITenderStore, CosmosTenderStore>();
        services.AddSingleton<ICarrierPerformanceStore, CosmosCarrierPerformanceStore>();
        services.AddSingleton<TenderResponseService>();
        services.AddSingleton<ShipmentRating>();
        services.AddSingleton<TenderApi>();
        services.AddSingleton<CarrierStatusService>();
        services.AddSingleton<CarrierStatusApi>();
        services.AddSingleton<CarrierApi>();
        services.AddSingleton<ICarrierAppointmentNotices, CarrierAppointmentNotices>();
        if (services.Any(d => d.ServiceType == typeof(ICarrierGateway)))
        {
            // A host brought its own carriers (the local host's simulated ones).
        }
        else
        {
            // Per carrier (by SCAC, else by host): a call timeout and a circuit breaker; no retries here (CarrierHttpOptions).
            services.AddHttpClient<HttpCarrierGateway>(client => client.Timeout = Timeout.InfiniteTimeSpan)
                .AddResilienceHandler("carrier-api", builder => builder
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = carriers.Http.FailureRatio,
                        MinimumThroughput = carriers.Http.MinimumThroughput,
                        SamplingDuration = carriers.Http.SamplingDuration,
                        BreakDuration = carriers.Http.BreakDuration,
                    })
                    .AddTimeout(carriers.Http.CallTimeout))
                .SelectPipelineBy(_ => request => request.Options.TryGetValue(HttpCarrierGateway.CarrierKey, out string? scac) ? scac : request.RequestUri?.Authority ?? "");
            services.TryAddSingleton<ICarrierGateway>(sp => sp.GetRequiredService<HttpCarrierGateway>());
        }

        AddEdi(services, carriers);

        var webhook = new WebhookOptions();
        configuration.GetSection(WebhookOptions.Section).Bind(webhook);
        if (webhook.Validate() is { Count: > 0 } webhookProblems)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, webhookProblems));
        }

        services.AddSingleton(webhook);
        services.AddSingleton<PendingRoutes>();
        services.AddHostedService<PendingRouteSweeper>();
        var workflows = new WorkflowOptions();
        configuration.GetSection(WorkflowOptions.Section).Bind(workflows);
        if (workflows.Validate() is { Count: > 0 } workflowProblems)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, workflowProblems));
        }

        services.AddSingleton(workflows);
        services.AddSingleton<CompletedWorkflowPurge>();
        services.AddHostedService<WorkflowRetentionSweeper>();
        services.AddSingleton<MesEventRouter>();
        services.AddSingleton<MesEventWebhook>();
        services.AddSingleton<ShipmentApi>();
        services.AddSingleton<LoadApi>();
        services.AddSingleton<RejectedEventApi>();
        services.AddSingleton<HoldApi>();
        var dashboard = new DashboardOptions();
        configuration.GetSection(DashboardOptions.Section).Bind(dashboard);
        if (dashboard.Validate() is { Count: > 0 } dashboardProblems)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, dashboardProblems));
        }

        services.AddSingleton(dashboard);
        services.AddSingleton<PlannerBoard>();
        return services;
    }

    /// <summary>Registers every orchestrator and activity of <see cref="WorkflowTasks.All"/> with a Durable Task worker (local host and tests).</summary>
    public static DurableTaskRegistry AddMesTmsWorkflows(this DurableTaskRegistry registry)
    {
        foreach (WorkflowTask task in WorkflowTasks.All)
        {
            if (task.Kind == WorkflowTaskKind.Orchestrator)
            {
                registry.AddOrchestrator(task.Name, task.Type);
            }
            else
            {
                registry.AddActivity(task.Name, task.Type);
            }
        }

        return registry;
    }

    /// <summary>Every activity of <see cref="WorkflowTasks.All"/> as a singleton, for hosts whose triggers resolve them (Functions).</summary>
    public static IServiceCollection AddMesTmsActivities(this IServiceCollection services)
    {
        foreach (WorkflowTask task in WorkflowTasks.All.Where(t => t.Kind == WorkflowTaskKind.Activity))
        {
            services.TryAddSingleton(task.Type);
        }

        return services;
    }

    /// <summary>
    /// X12 carriers (<c>MesTms:Carriers:Edi:{SCAC}</c>): their documents are stored, sent and read by the EDI adapter, which
    /// wraps whatever gateway the host brought for the others.
    /// </summary>
    static void AddEdi(IServiceCollection services, CarrierOptions carriers)
    {
        if (carriers.Edi.SelectMany(p => p.Value.Validate(p.Key)).ToList() is { Count: > 0 } ediProblems)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, ediProblems));
        }

        services.AddSingleton<IEdiDocumentStore, CosmosEdiDocumentStore>();
        services.AddHttpClient(EdiTransport.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<EdiTransport>();
        services.AddSingleton<EdiInbound>();
        services.AddSingleton<EdiApi>();
        services.AddSingleton<EdiDropFolders>();
        services.AddHostedService<EdiDropFolderWorker>();
        if (carriers.Edi.Count == 0)
        {
            return;
        }

        ServiceDescriptor others = services.Last(d => d.ServiceType == typeof(ICarrierGateway));
        services.Remove(others);
        services.AddSingleton<ICarrierGateway>(sp => ActivatorUtilities.CreateInstance<EdiCarrierGateway>(sp, others switch
        {
            { ImplementationInstance: ICarrierGateway instance } => instance,
            { ImplementationFactory: { } factory } => (ICarrierGateway)factory(sp),
            _ => (ICarrierGateway)ActivatorUtilities.CreateInstance(sp, others.ImplementationType!),
        }));
    }
}
