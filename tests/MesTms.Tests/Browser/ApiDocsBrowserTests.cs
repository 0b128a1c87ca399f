using MesTms.Tests.Fixtures;
using Microsoft.Playwright;

namespace MesTms.Tests.Browser;

/// <summary>The API reference UI at /docs, opened in headless Chromium: it renders the bridge's routes with nothing fetched from outside.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class ApiDocsBrowserTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task The_reference_UI_renders_every_feature_of_the_API_offline()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        await using Chromium chromium = await Chromium.LaunchAsync();
        var requests = new List<string>();
        IPage page = await chromium.NewPageAsync(requests);

        await page.GotoAsync(new Uri(app.App.BaseAddress, "docs/").ToString());
        // The reference UI is a 5 MB script: on 2 busy cores (the whole suite in parallel) it can take a while to draw.
        try
        {
            // The document's own title, drawn once the UI has read /openapi/v1.json.
            await page.GetByText("MES → TMS event bridge").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "api-docs-timeout.png") });
            throw;
        }
        // One section per feature of the route table.
        foreach (string feature in new[] { "MES events", "Shipments", "Loads", "Docks", "Tenders", "Quality holds", "Notifications", "Dashboard", "Documentation" })
        {
            Assert.True(await page.GetByText(feature, new PageGetByTextOptions { Exact = true }).CountAsync() > 0, $"/docs does not show '{feature}'");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "api-docs.png") });
        Assert.Empty(Chromium.Outside(requests, app.App.BaseAddress));
    }
}
