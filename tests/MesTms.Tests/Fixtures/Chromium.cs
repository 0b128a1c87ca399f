using Microsoft.Playwright;
using MesTms.LocalHost.Emulators;

namespace MesTms.Tests.Fixtures;

/// <summary>
/// Headless Chromium driven by Playwright with no browser download: Debian's <c>chromium</c> package
/// (<c>apt-get install -y chromium</c>; <c>.ci/run</c> installs it), or the browser named by <c>MESTMS_CHROMIUM</c>.
/// Every request a page makes is recorded, so a test can prove that nothing came from outside the bridge.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    readonly IPlaywright playwright;

    Chromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static string ExecutablePath => Environment.GetEnvironmentVariable("MESTMS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots go: TestResults/screenshots at the repository root (kept out of git).</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            string directory = Path.Combine(LocalEmulators.FindRepositoryRoot(), "TestResults", "screenshots");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: install Debian's package (apt-get install -y chromium) or set MESTMS_CHROMIUM.");
        }

        IPlaywright playwright = await Playwright.CreateAsync();
        try
        {
            IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // As root (CI containers) Chromium needs --no-sandbox.
                Args = Environment.UserName == "root" ? ["--no-sandbox", "--disable-dev-shm-usage"] : ["--disable-dev-shm-usage"],
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page of the given size whose requests are listed in <paramref name="requests"/>.</summary>
    public async Task<IPage> NewPageAsync(List<string> requests, int width = 1600, int height = 1000)
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        IPage page = await context.NewPageAsync();
        page.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request.Url);
            }
        };
        return page;
    }

    /// <summary>The requests that went anywhere but the bridge itself (data: and blob: URLs are the page's own).</summary>
    public static IReadOnlyList<string> Outside(IEnumerable<string> requests, Uri bridge)
    {
        lock (requests)
        {
            return requests.Where(u => !u.StartsWith("data:", StringComparison.Ordinal) && !u.StartsWith("blob:", StringComparison.Ordinal)
                && !(Uri.TryCreate(u, UriKind.Absolute, out Uri? uri) && uri.Authority == bridge.Authority)).ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
