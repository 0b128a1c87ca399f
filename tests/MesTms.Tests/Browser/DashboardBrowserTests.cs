using System.Net.Http.Json;
using MesTms.Domain.Shipments;
using MesTms.Tests.Fixtures;
using Microsoft.Playwright;

namespace MesTms.Tests.Browser;

/// <summary>
/// The planners' dashboard driven in headless Chromium against the local host, with events replayed through the webhook:
/// the door timeline shows the booked load, a quality hold appears live, releasing it from the page (who and why) moves
/// the order on, a shipment's history opens from the page, and re-tendering the load from the page books another
/// carrier. Nothing is fetched from outside the bridge; screenshots are saved under TestResults/screenshots.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class DashboardBrowserTests(EmulatorFixture emulators)
{
    const string PlannerKey = "planner-key-for-the-browser-test";

    static string NewOrder() => "PO-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_planner_watches_a_load_booked_releases_a_hold_from_the_page_and_opens_the_history()
    {
        Dictionary<string, string?> settings = TestApp.WithCarriers(new() { ["MesTms:Security:PlannerKey"] = PlannerKey });
        settings["MesTms:Shipment:Consolidate"] = "true";
        await using TestApp app = await TestApp.StartAsync(emulators, settings: settings);
        app.Http.DefaultRequestHeaders.Add("x-api-key", PlannerKey);
        await using Chromium chromium = await Chromium.LaunchAsync();
        var requests = new List<string>();
        IPage page = await chromium.NewPageAsync(requests);
        string day = app.Now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The page asks for the planner key (the bridge requires one here) and then goes live.
        await page.GotoAsync(new Uri(app.App.BaseAddress, $"?plant=P100&date={day}").ToString());
        ILocator keyDialog = page.Locator("#key-dialog");
        await Assertions.Expect(keyDialog).ToBeVisibleAsync();
        await keyDialog.Locator("input[name=key]").FillAsync(PlannerKey);
        await keyDialog.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#live")).ToContainTextAsync("live", new() { Timeout = 15_000 });

        // Three 8-pallet orders from three lines fill a truck: booked, with a door.
        string[] full = [NewOrder(), NewOrder(), NewOrder()];
        await app.PostEventsAsync(MesEvents.Batch(full.Select((o, i) => MesEvents.Completed(o, lineId: $"L{i + 1}").WithPallets(8)).ToArray()));
        Shipment booked = await app.WaitForShipmentAsync(full[0], ShipmentStatus.Booked, s => s.LoadId is not null);
        string loadId = booked.LoadId!;
        // After the 16:00 cut-off, on a weekend or a holiday eve the truck comes another day: the planner picks that day.
        System.Text.Json.JsonElement plan = await app.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"api/loads/{Uri.EscapeDataString(loadId)}");
        string doorDay = plan.GetProperty("shipment").GetProperty("dockAppointment").GetProperty("start").GetDateTimeOffset().UtcDateTime
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (doorDay != day)
        {
            await page.Locator("#day").FillAsync(doorDay);
            await Assertions.Expect(page.Locator("#timeline-day")).ToContainTextAsync(doorDay, new() { Timeout = 15_000 });
        }

        ILocator bar = page.Locator($".appt.Booked[data-history='{loadId}']");
        await Assertions.Expect(bar).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator($"#loads tr[data-load='{loadId}']")).ToContainTextAsync("Booked");
        await Assertions.Expect(page.Locator($"#loads tr[data-load='{loadId}'] button[data-retender-load]")).ToBeVisibleAsync();

        // A hold placed before completion: the order shows up under quality holds, live, with no reload.
        string held = NewOrder();
        int renders = int.Parse(await page.Locator("body").GetAttributeAsync("data-renders") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.HoldPlaced(held, "QH-77")));
        await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(held).WithPallets(4)));
        ILocator holdRow = page.Locator($"#holds tr[data-hold='{held}|QH-77']");
        await Assertions.Expect(holdRow).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(int.Parse(await page.Locator("body").GetAttributeAsync("data-renders") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > renders);
        await Assertions.Expect(page.Locator($"#orders tr[data-order='{held}']")).ToContainTextAsync("OnQualityHold");

        // Release it from the page, by keyboard: who and why are required.
        await holdRow.Locator("button[data-release]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        ILocator release = page.Locator("#release-dialog");
        await Assertions.Expect(release).ToBeVisibleAsync();
        await release.Locator("input[name=releasedBy]").FillAsync("Dana (QA lead)");
        await release.Locator("textarea[name=reason]").FillAsync("Seal re-checked and passed");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "dashboard-release-hold.png") });
        await release.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(release).ToBeHiddenAsync();

        // The order moves on: off the holds list, into consolidation; the release is on its record.
        await Assertions.Expect(holdRow).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Shipment moved = await app.WaitForShipmentAsync(held, ShipmentStatus.Consolidating);
        Assert.Empty(moved.ActiveHolds);
        await Assertions.Expect(page.Locator($"#orders tr[data-order='{held}']")).ToContainTextAsync("Consolidating", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#notifications-body")).ToContainTextAsync("shipment.booked");

        // Any shipment's full history opens from the page.
        await page.Locator($"#orders button[data-history='{held}']").ClickAsync();
        ILocator history = page.Locator("#history-dialog");
        await Assertions.Expect(history).ToContainTextAsync("All quality holds released", new() { Timeout = 15_000 });
        await Assertions.Expect(history).ToContainTextAsync("Held for quality");
        await Assertions.Expect(history).ToContainTextAsync(held);
        await page.Keyboard.PressAsync("Escape");

        // Re-tender the booked load from the page: its carrier is set aside and another one books it.
        string firstCarrier = booked.Booking!.Scac;
        await page.Locator($"#loads tr[data-load='{loadId}'] button[data-retender-load]").ClickAsync();
        ILocator retender = page.Locator("#retender-dialog");
        await Assertions.Expect(retender).ToBeVisibleAsync();
        await retender.Locator("button[type=submit]").ClickAsync();
        // Who and why are required: the browser keeps the dialog open until both are given.
        await Assertions.Expect(retender).ToBeVisibleAsync();
        await retender.Locator("input[name=requestedBy]").FillAsync("Dana (planner)");
        await retender.Locator("textarea[name=reason]").FillAsync("carrier cannot make the window");
        await retender.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(retender).ToBeHiddenAsync();
        Shipment rebooked = await app.WaitForShipmentAsync(full[0], ShipmentStatus.Booked, s => s.Booking!.Scac != firstCarrier, TimeSpan.FromSeconds(60));
        await Assertions.Expect(page.Locator($"#loads tr[data-load='{loadId}']")).ToContainTextAsync(rebooked.Booking!.Scac, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#notifications-body")).ToContainTextAsync("shipment.retendered");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "dashboard.png"), FullPage = true });
        Assert.Empty(Chromium.Outside(requests, app.App.BaseAddress));
    }
}
