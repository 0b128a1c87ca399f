using System.Globalization;
using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain;
using MesTms.Pipeline.Http;
using Microsoft.AspNetCore.Http;

namespace MesTms.Pipeline.Docks;

/// <summary>One door's day: capabilities and its appointments in time order.</summary>
public sealed record DoorSchedule(string DoorId, IReadOnlyList<DoorCapability> Capabilities, IReadOnlyList<DockAppointmentView> Appointments);

/// <summary>An appointment as planners see it: door, window, the load or shipment, carrier and status.</summary>
/// <param name="ArrivedAt">When the truck really arrived (its carrier's status report), null until then.</param>
/// <param name="DepartedAt">When it really left.</param>
public sealed record DockAppointmentView(string DoorId, DateTimeOffset Start, DateTimeOffset End, string ShipmentId, string? Carrier, string Status, int Pallets, DateTimeOffset ReadyAt,
    DateTimeOffset? ArrivedAt = null, DateTimeOffset? DepartedAt = null);

/// <summary>The answer of <c>GET /api/plants/{plantId}/docks?date=</c>.</summary>
public sealed record DockDayView(
    string PlantId,
    DateOnly Date,
    bool Open,
    DateTimeOffset? Opens,
    DateTimeOffset? Closes,
    int SlotMinutes,
    IReadOnlyList<DoorSchedule> Doors,
    IReadOnlyList<DockAppointmentView> Appointments,
    IReadOnlyList<ReleasedAppointment> Released,
    DockKpis Kpis);

/// <summary>The planner's door schedule of a plant-day.</summary>
public sealed class DockApi(IDockStore docks, DockCatalog catalog, TimeProvider clock)
{
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("GetDockSchedule", "plants/{plantId}/docks", call => call.Service<DockApi>().GetScheduleAsync(call.Http, call.Route("plantId")))
            .Documented(new ApiDoc("Docks", "Get a plant-day's door schedule", "Doors with their capabilities and appointments, released appointments and the day's dock KPIs.",
                [new ApiAnswer(200, "The door schedule.", typeof(DockDayView))])
            {
                Query = [new ApiQuery("date", "yyyy-MM-dd; default: today (UTC).", Format: "date")],
                Errors = [(400, "Bad plant id or date."), (404, "The plant has no dock model.")],
            }),
    ];

    public async Task<IResult> GetScheduleAsync(HttpContext http, string plantId)
    {
        (DateOnly day, IResult? refusal) = PlantDayQuery.Parse(http, plantId, clock);
        if (refusal is not null)
        {
            return refusal;
        }

        return await ViewAsync(plantId, day, http.RequestAborted) is { } view
            ? HttpJson.Ok(view)
            : HttpJson.Problem(StatusCodes.Status404NotFound, "plant-not-found", "No dock model for this plant",
                $"Plant '{plantId}' has no dock model ({DockOptions.Section}:ModelPath).");
    }

    /// <summary>The door schedule of a plant-day, or null when the plant has no dock model.</summary>
    public async Task<DockDayView?> ViewAsync(string plantId, DateOnly day, CancellationToken cancellationToken)
    {
        if (catalog.For(plantId) is not { } model)
        {
            return null;
        }

        DockScheduleDocument? schedule = await docks.GetScheduleAsync(plantId, day, cancellationToken);

        IReadOnlyList<DockAppointment> appointments = schedule?.Appointments ?? [];
        List<DockAppointmentView> views = appointments.OrderBy(a => a.Start).ThenBy(a => a.DoorId, StringComparer.Ordinal)
            .Select(a => new DockAppointmentView(a.DoorId, a.Start, a.End, a.AppointmentId, a.Scac, a.Status, a.Pallets, a.ReadyAt, a.ArrivedAt, a.DepartedAt)).ToList();
        bool open = model.IsOpen(day);
        return new DockDayView(plantId, day, open, open ? model.OpensOn(day) : null, open ? model.ClosesOn(day) : null,
            model.SlotMinutes, model.Doors.Select(d => new DoorSchedule(d.DoorId, d.Capabilities, views.Where(v => v.DoorId == d.DoorId).ToList())).ToList(),
            views, schedule?.Released ?? [], DockKpis.For(model, day, appointments));
    }
}
