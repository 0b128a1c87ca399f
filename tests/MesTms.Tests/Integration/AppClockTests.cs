using MesTms.Domain.Shipments;
using MesTms.LocalHost;
using MesTms.Pipeline.Time;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// <c>LocalHost:ClockSpeed</c>: the app's clock runs faster, and the workflows decide and wait on that same clock (their
/// durable timers scaled with it), so a demo day and the replay share one timeline.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class AppClockTests(EmulatorFixture emulators)
{
    [Fact]
    public void The_workflow_clock_maps_real_time_to_the_apps_and_back()
    {
        var start = new DateTimeOffset(2027, 3, 14, 6, 0, 0, TimeSpan.Zero);
        var real = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var clock = new WorkflowClock(real, start, 300);
        Assert.Equal(start.AddHours(5), clock.ToApp(real.AddMinutes(1)));
        Assert.Equal(real.AddMinutes(1), clock.ToReal(start.AddHours(5)));
        Assert.Equal(TimeSpan.FromSeconds(24), clock.ToReal(TimeSpan.FromHours(2)));
        Assert.Equal(real, WorkflowClock.Real.ToApp(real));
        Assert.NotEmpty(new WorkflowClock(real, start, 0.5).Validate());
        Assert.Throws<InvalidOperationException>(() => new AppClock(null, 0));
    }

    [Fact]
    public async Task A_tender_window_of_two_hours_passes_in_seconds_at_600x_and_is_judged_on_the_apps_clock()
    {
        // Two hours for a carrier that never answers: at real speed the test could not see it pass.
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers(new()
        {
            ["LocalHost:ClockSpeed"] = "600",
            ["MesTms:Shipment:TenderResponseTimeout"] = "02:00:00",
            ["MesTms:Carriers:Simulation:Carriers:SWFL:Silent"] = "true",
        }));
        string order = "PO-" + Guid.NewGuid().ToString("N")[..8];
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order, now: app.Now)));

        Shipment booked = await app.WaitForShipmentAsync(order, ShipmentStatus.Booked, within: TimeSpan.FromSeconds(60));
        TenderRecord silent = booked.Tenders[0];
        Assert.Equal(("SWFL", "timed out"), (silent.Scac, silent.Outcome));
        // The deadline was set and judged on the app's clock: two app hours after the tender went out.
        Assert.Equal(silent.SentAt.AddHours(2), silent.RespondBy);
        Assert.True(silent.AnsweredAt >= silent.RespondBy, $"timed out at {silent.AnsweredAt:O}, before its deadline {silent.RespondBy:O}");
        Assert.True(app.Now >= silent.RespondBy);
    }
}
