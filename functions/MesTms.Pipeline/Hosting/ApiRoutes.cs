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
using MesTms.Pipeline.Time;

namespace MesTms.Pipeline.Hosting;

/// <summary>
/// The route table: every HTTP route of the bridge, gathered from the features. The local host maps it as it is; the
/// Functions app binds one trigger per route (same name, template and methods), checked by <c>TaskRegistryTests</c>.
/// </summary>
public static class ApiRoutes
{
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        .. MesEventWebhook.Routes,
        .. RejectedEventApi.Routes,
        .. ContractSchemaApi.Routes,
        .. HoldApi.Routes,
        .. ShipmentApi.Routes,
        .. LoadApi.Routes,
        .. DockApi.Routes,
        .. TenderApi.Routes,
        .. CarrierStatusApi.Routes,
        .. CarrierApi.Routes,
        .. EdiApi.Routes,
        .. NotificationApi.Routes,
        .. PlannerBoard.Routes,
        .. DashboardPage.Routes,
        .. OpenApiDocument.Routes,
        .. ClockApi.Routes,
    ];

    public static ApiRoute Named(string name) =>
        All.SingleOrDefault(r => r.Name == name) ?? throw new ArgumentException($"No route named '{name}'.", nameof(name));
}
