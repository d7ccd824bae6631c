using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Playwright;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Browser;

/// <summary>
/// The real host on a loopback Kestrel port and Debian's Chromium driven by Playwright (no browser download).
/// Skips with the install command where Chromium is missing; CI installs it.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Root in CI needs no sandbox; the rest keeps Chromium off the network this machine does not have.</summary>
    public static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public PortalWithSentryFactory Factory { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } = Path.Combine(RepoPaths.Root, "TestResults", "screenshots");

    private IPlaywright? playwright;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return;
        }

        await Factory.InitializeAsync();

        // Open pages notice an ended session or withdrawn access within two seconds, not a minute.
        Factory.Settings["SignIn:RecheckInterval"] = "00:00:02";
        Factory.UseKestrel(0);
        Factory.StartServer();
        BaseAddress = new Uri(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArguments,
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public static void SkipWithoutChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Skip($"Chromium not found at {ChromiumPath}: apt-get install chromium");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (playwright is not null)
        {
            await Browser.DisposeAsync();
            playwright.Dispose();
        }

        await Factory.DisposeAsync();
    }
}
