using MesTms.Domain.Docks;

namespace MesTms.Benchmarks;

/// <summary>
/// A sample plant day at P100 (the sample dock model: 10 doors, 06:00-22:00): 140 loads become ready as three lines
/// produce from 06:00 to 20:00 (8-26 pallets, 1 in 6 chilled, 1 in 20 hazmat); each carrier can be at the dock 0-90 min
/// after it is booked and until the dock closes. The event-driven scheduler books each load the moment it is ready;
/// the baseline is today's process, where the TMS learns of finished freight at the next 4-hourly planning cycle
/// (06:00, 10:00, 14:00, 18:00) and the carrier comes an hour after that. Dwell = ready → loaded.
/// </summary>
public static class SamplePlantDay
{
    public static readonly DateOnly Day = new(2026, 11, 25);

    public static (DockKpis EventDriven, int EventRefused, DockKpis PlanningCycle, int CycleRefused) Run(PlantDockModel model, int loads = 140, int seed = 2026)
    {
        var random = new Random(seed);
        DateTimeOffset opens = model.OpensOn(Day), close = model.ClosesOn(Day);
        var freight = Enumerable.Range(0, loads).Select(i => (
                Id: $"L{i:000}",
                Ready: opens.AddMinutes(random.Next(14 * 60)),
                Pallets: 8 + random.Next(19),
                Reefer: random.Next(6) == 0,
                Hazmat: random.Next(20) == 0,
                CarrierDelay: TimeSpan.FromMinutes(random.Next(91))))
            .OrderBy(f => f.Ready).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();

        (DockKpis, int) Schedule(Func<DateTimeOffset, DateTimeOffset> bookedAt)
        {
            var booked = new List<DockAppointment>();
            int refused = 0;
            foreach (var f in freight.OrderBy(f => bookedAt(f.Ready)).ThenBy(f => f.Id, StringComparer.Ordinal))
            {
                var request = new DockRequest(f.Id, "SWFL", f.Pallets, f.Reefer, f.Hazmat, f.Ready, bookedAt(f.Ready) + f.CarrierDelay, close);
                (DockAppointment? a, _) = DockScheduler.Plan(model, Day, booked, request, DockAppointment.Booked);
                if (a is null)
                {
                    refused++;
                }
                else
                {
                    booked.Add(a);
                }
            }

            return (DockKpis.For(model, Day, booked), refused);
        }

        (DockKpis eventDriven, int eventRefused) = Schedule(ready => ready);
        (DockKpis cycle, int cycleRefused) = Schedule(ready => NextCycle(opens, ready).AddHours(1));
        return (eventDriven, eventRefused, cycle, cycleRefused);
    }

    static DateTimeOffset NextCycle(DateTimeOffset opens, DateTimeOffset ready)
    {
        DateTimeOffset cycle = opens;
        while (cycle < ready)
        {
            cycle = cycle.AddHours(4);
        }

        return cycle;
    }
}
