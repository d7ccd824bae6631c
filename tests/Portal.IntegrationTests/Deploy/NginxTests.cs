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

/// <summary>deploy/nginx/portal.conf in front of two real instances: spread, sticky, and WebSockets through it.</summary>
[Collection(nameof(ProcessTests))]
public sealed partial class NginxTests(TwoPortalsBehindNginx portals) : IClassFixture<TwoPortalsBehindNginx>
{
    private const string InstanceHeader = "X-Portal-Instance";

    private static readonly string[] BothInstances = ["portal-a", "portal-b"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_without_the_affinity_cookie_are_spread_over_both_instances_and_each_is_given_one()
    {
        TwoPortalsBehindNginx.SkipWithoutNginx();
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
        TwoPortalsBehindNginx.SkipWithoutNginx();
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
        TwoPortalsBehindNginx.SkipWithoutNginx();
        using var client = new HttpClient { BaseAddress = portals.BaseAddress };

        using var response = await client.GetAsync("/metrics", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains(InstanceHeader));
    }

    [Fact]
    public async Task A_signed_in_SignalR_client_receives_deliveries_over_a_WebSocket_through_nginx_from_its_own_instance()
    {
        TwoPortalsBehindNginx.SkipWithoutNginx();
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
    public async Task The_dashboard_opened_through_nginx_runs_its_circuit_over_a_WebSocket_and_shows_a_new_delivery_live()
    {
        TwoPortalsBehindNginx.SkipWithoutNginx();
        BrowserSession.SkipWithoutChromium();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserSession.ChromiumPath,
            Headless = true,
            Args = BrowserSession.ChromiumArguments,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var circuitSockets = new ConcurrentBag<string>();
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, _) => circuitSockets.Add(socket.Url);

        await page.GotoAsync(new Uri(portals.BaseAddress, "/").ToString());
        await page.GetByTestId("signin-local").ClickAsync();
        await Assertions.Expect(page.GetByTestId("live-status")).ToContainTextAsync("Live");
        var affinity = (await page.Context.CookiesAsync()).Single(c => c.Name == "portal_affinity").Value;
        using var client = new HttpClient { BaseAddress = portals.BaseAddress };
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "620000002");
        using var request = SignedRequests.Webhook("issue", body);
        request.Headers.Add("Cookie", $"portal_affinity={affinity}");
        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = portals.DeliveryIdOf(body);
        await Assertions.Expect(page.Locator($"[data-testid=deliveries] a[href='/deliveries/{id}']")).ToBeVisibleAsync();
        Assert.Contains(circuitSockets, url => url.StartsWith(new Uri(portals.BaseAddress, "/_blazor").ToString().Replace("http://", "ws://", StringComparison.Ordinal), StringComparison.Ordinal));
        Directory.CreateDirectory(BrowserSession.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotDirectory, "through-nginx.png"), FullPage = true });
    }

    [GeneratedRegex("^portal_affinity=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax$")]
    private static partial Regex AffinityCookie();

    [GeneratedRegex(@"""GET /hubs/deliveries\?id=\S+ HTTP/1\.1"" 101 ")]
    private static partial Regex HubWebSocketUpgrade();
}
