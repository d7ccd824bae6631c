using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Portal.IntegrationTests.Browser;
using Portal.IntegrationTests.Process;
using Portal.IntegrationTests.TestSupport;
using Portal.Realtime;

namespace Portal.IntegrationTests.Deploy;

/// <summary>
/// deploy/nginx/portal.conf in front of two real instances on PostgreSQL and Redis: spread, sticky, WebSockets
/// through it, and a browser's live page fed by both instances, also while the other one restarts.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed partial class NginxTests(TwoPortalsBehindNginx portals) : IClassFixture<TwoPortalsBehindNginx>
{
    private const string InstanceHeader = "X-Portal-Instance";

    private static readonly string[] BothInstances = ["portal-a", "portal-b"];

    // Generous: two portals, nginx and Chromium share two cores with whatever else CI runs.
    private static readonly LocatorAssertionsToBeVisibleOptions ShownLive = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveTextOptions LiveChip = new() { Timeout = 30_000 };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_without_the_affinity_cookie_are_spread_over_both_instances_and_each_is_given_one()
    {
        TwoPortalsBehindNginx.SkipUnlessAvailable();
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = portals.BaseAddress };
        var answeredBy = new List<string>();

        for (var i = 0; i < 40; i++)
        {
            using var response = await client.GetAsync("/healthz/live", Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Matches(AffinityCookie(), response.Headers.GetValues("Set-Cookie").Single());
            answeredBy.Add(response.Headers.GetValues(InstanceHeader).Single());
        }

        Assert.Equal(BothInstances, answeredBy.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_client_that_keeps_its_affinity_cookie_is_answered_by_one_instance_on_every_route()
    {
        TwoPortalsBehindNginx.SkipUnlessAvailable();
        for (var browser = 0; browser < 4; browser++)
        {
            var cookies = new CookieContainer();
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = portals.BaseAddress };
            var answeredBy = new HashSet<string>();
            var affinityCookiesSet = 0;

            foreach (var path in new[] { "/healthz/live", "/signin", "/", "/sentry/schema.json", "/healthz/ready", "/signin", "/healthz/live", "/" })
            {
                using var response = await client.GetAsync(path, Cancel);
                answeredBy.Add(response.Headers.GetValues(InstanceHeader).Single());
                affinityCookiesSet += response.Headers.TryGetValues("Set-Cookie", out var set) ? set.Count(c => AffinityCookie().IsMatch(c)) : 0;
            }

            Assert.Single(answeredBy);
            Assert.Equal(1, affinityCookiesSet);
        }
    }

    [Fact]
    public async Task The_metrics_endpoint_is_not_served_through_nginx()
    {
        TwoPortalsBehindNginx.SkipUnlessAvailable();
        using var client = new HttpClient { BaseAddress = portals.BaseAddress };

        using var response = await client.GetAsync("/metrics", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains(InstanceHeader));
    }

    [Fact]
    public async Task A_signed_in_SignalR_client_receives_deliveries_over_a_WebSocket_through_nginx_from_its_own_instance()
    {
        TwoPortalsBehindNginx.SkipUnlessAvailable();
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = portals.BaseAddress };
        await LocalSignIn.SignInAsync(client, Cancel);
        using var probe = await client.GetAsync("/healthz/live", Cancel);
        var instance = probe.Headers.GetValues(InstanceHeader).Single();
        var received = new ConcurrentQueue<DeliverySummary>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(portals.BaseAddress, "/hubs/deliveries"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.Headers["Cookie"] = cookies.GetCookieHeader(portals.BaseAddress);
            })
            .Build();
        connection.On<DeliverySummary>(DeliveriesHub.DeliveryMethod, received.Enqueue);
        await connection.StartAsync(Cancel);
        await connection.InvokeAsync(nameof(DeliveriesHub.Subscribe), (long?)null, Cancel);
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "620000001");

        // Sent with the same cookies, so the instance that holds the hub connection stores it.
        using var webhook = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, webhook.StatusCode);
        Assert.Equal(instance, webhook.Headers.GetValues(InstanceHeader).Single());
        await Eventually.TrueAsync(() => Task.FromResult(received.Any(s => s.Resource == "issue")), "the delivery on the hub connection");

        // nginx logs a WebSocket when it closes: 101 says the hub's traffic went through the upgraded connection.
        await connection.StopAsync(Cancel);
        await Eventually.TrueAsync(() => Task.FromResult(HubWebSocketUpgrade().IsMatch(portals.Nginx.AccessLog)), "nginx's access log line for the hub's WebSocket (101)");
    }

    [Fact]
    public async Task The_dashboard_opened_through_nginx_runs_its_circuit_over_a_WebSocket_and_shows_live_a_delivery_the_other_instance_acknowledged()
    {
        TwoPortalsBehindNginx.SkipUnlessAvailable();
        BrowserSession.SkipWithoutChromium();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var circuitSockets = new ConcurrentBag<string>();
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, _) => circuitSockets.Add(socket.Url);

        await OpenLiveDeliveriesAsync(page);
        var own = await InstanceOfAsync(page);
        var other = BothInstances.Single(name => name != own);
        // Without the browser's cookie nginx spreads the deliveries: the last one is the other instance's, whose
        // summary reaches the browser's instance only through Redis.
        var bodies = await SendUntilAnsweredByAsync(other, "6201", page);

        Assert.NotEmpty(bodies);
        Assert.Contains(circuitSockets, url => url.StartsWith(new Uri(portals.BaseAddress, "/_blazor").ToString().Replace("http://", "ws://", StringComparison.Ordinal), StringComparison.Ordinal));
        Directory.CreateDirectory(BrowserSession.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "through-nginx.png"), FullPage = true });
    }

    [Fact]
    public async Task A_sticky_browser_keeps_its_live_deliveries_page_while_the_other_instance_is_restarted()
    {
        TwoPortalsBehindNginx.SkipUnlessAvailable();
        BrowserSession.SkipWithoutChromium();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1600 } });
        await OpenLiveDeliveriesAsync(page);
        var own = await InstanceOfAsync(page);
        var other = BothInstances.Single(name => name != own);

        await portals.StopAsync(other);
        // nginx finds the stopped instance refusing connections and passes each request on to the one left.
        var whileStopped = await SendAsync(10, "6202", page);
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveTextAsync("Live", LiveChip);
        await portals.StartAgainAsync(other);
        // nginx tries the restarted instance again once its fail_timeout (10 s) has passed.
        var afterRestart = await SendUntilAnsweredByAsync(other, "6203", page);

        Assert.All(whileStopped, instance => Assert.Equal(own, instance));
        Assert.True(afterRestart.Count > 0);
        Assert.Equal(own, await InstanceOfAsync(page));
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveTextAsync("Live", LiveChip);
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserSession.ChromiumPath,
            Headless = true,
            Args = BrowserSession.ChromiumArguments,
        });

    private async Task OpenLiveDeliveriesAsync(IPage page)
    {
        await page.GotoAsync(new Uri(portals.BaseAddress, "/").ToString());
        await page.GetByTestId("signin-local").ClickAsync();
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveTextAsync("Live", LiveChip);
    }

    // Asked with the browser's own cookies, so nginx sends it where the page's circuit lives.
    private async Task<string> InstanceOfAsync(IPage page)
    {
        var response = await page.Context.APIRequest.GetAsync(new Uri(portals.BaseAddress, "/healthz/live").ToString());
        return response.Headers[InstanceHeader.ToLowerInvariant()];
    }

    /// <summary>Sends <paramref name="count"/> deliveries through nginx without a cookie; each must show on the page live.</summary>
    private async Task<List<string>> SendAsync(int count, string marker, IPage page)
    {
        var answeredBy = new List<string>();
        for (var i = 0; i < count; i++)
        {
            answeredBy.Add(await SendOneAsync($"{marker}{i:D5}", page));
        }

        return answeredBy;
    }

    /// <summary>Sends deliveries through nginx without a cookie until <paramref name="instance"/> answers one; each must show on the page live.</summary>
    private async Task<List<string>> SendUntilAnsweredByAsync(string instance, string marker, IPage page)
    {
        var answeredBy = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!answeredBy.Contains(instance))
        {
            Assert.True(DateTime.UtcNow < deadline, $"nginx sent none of {answeredBy.Count} deliveries to {instance}");
            answeredBy.Add(await SendOneAsync($"{marker}{answeredBy.Count:D5}", page));
            await Task.Delay(200, Cancel);
        }

        return answeredBy;
    }

    private async Task<string> SendOneAsync(string marker, IPage page)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = portals.BaseAddress };
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), marker);
        using var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = await portals.DeliveryIdOfAsync(body);
        await Assertions.Expect(page.Locator($"[data-testid=deliveries] a[href='/deliveries/{id}']")).ToBeVisibleAsync(ShownLive);
        return response.Headers.GetValues(InstanceHeader).Single();
    }

    [GeneratedRegex("^portal_affinity=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax$")]
    private static partial Regex AffinityCookie();

    [GeneratedRegex(@"""GET /hubs/deliveries\?id=\S+ HTTP/1\.1"" 101 ")]
    private static partial Regex HubWebSocketUpgrade();
}
