using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Realtime;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// The portal with "Sign in with Sentry" configured against the <see cref="FakeSentry"/>: people sign in through the
/// real OAuth round trip and then use pages and the hub with the session cookie they got. Sentry user 999 is an
/// operator.
/// </summary>
public abstract class SignInTestHost : InstallationTestHost
{
    public const long OperatorUserId = 999;

    protected override void Configure(PortalFactory portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        portal.Settings["SignIn:ClientId"] = FakeSentry.OAuthClientId;
        portal.Settings["SignIn:ClientSecret"] = FakeSentry.OAuthClientSecret;
        portal.Settings["SignIn:OperatorUserIds:0"] = OperatorUserId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Signs <paramref name="user"/> in through Sentry; the browser keeps the session, the cookie is for other clients.</summary>
    protected async Task<(HttpClient Browser, string Cookie)> SignInAsync(FakeUser user)
    {
        Sentry.SignedInUser = user;
        var browser = Browser();
        using var signedIn = await browser.GetAsync(await ThroughSentryAsync(browser, "/"), TestContext.Current.CancellationToken);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal.session=", StringComparison.Ordinal)).Split(';')[0];
        return (browser, cookie);
    }

    /// <summary>Who the portal takes the holder of <paramref name="cookie"/> to be, as every page and the hub do.</summary>
    protected async Task<ClaimsPrincipal> PrincipalOfAsync(string cookie)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Cookie = cookie;
        var result = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return result.Principal ?? new ClaimsPrincipal();
    }

    /// <summary>A hub client with <paramref name="cookie"/>, subscribed from now on; what it receives goes to <paramref name="received"/>.</summary>
    protected async Task<HubConnection> SubscribeAsync(string cookie, ConcurrentQueue<DeliverySummary> received)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Portal.Server.BaseAddress, "/hubs/deliveries"), options =>
            {
                options.HttpMessageHandlerFactory = _ => Portal.Server.CreateHandler();
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                options.Headers["Cookie"] = cookie;
            })
            .Build();
        connection.On<DeliverySummary>("delivery", received.Enqueue);
        await connection.StartAsync(TestContext.Current.CancellationToken);
        await connection.InvokeAsync("Subscribe", (long?)null, TestContext.Current.CancellationToken);
        return connection;
    }

    /// <summary>Sentry's issue.created sample for <paramref name="installation"/> and issue <paramref name="issueId"/>, delivered and processed.</summary>
    protected async Task<Portal.Data.Entities.WebhookDelivery> DeliverIssueAsync(FakeInstallation installation, string issueId)
    {
        ArgumentNullException.ThrowIfNull(installation);
        var body = System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(SampleDeliveries.Named("webhook.issue.created.json").Body)
            .Replace(PortalWithSentryFactory.SampleInstallation, installation.Uuid.ToString(), StringComparison.Ordinal)
            .Replace("1170820242", issueId, StringComparison.Ordinal));
        using var request = SignedRequests.Webhook("issue", body, FakeSentry.ClientSecret,
            timestamp: Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await Portal.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await Portal.ProcessedDeliveryAsync(body);
    }

    // The browser's trip: the portal's challenge, then Sentry's authorize page, which sends it back with a code.
    protected static async Task<string> ThroughSentryAsync(HttpClient browser, string returnUrl)
    {
        ArgumentNullException.ThrowIfNull(browser);
        using var challenge = await browser.GetAsync($"/signin/sentry?returnUrl={Uri.EscapeDataString(returnUrl)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        using var sentry = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var authorized = await sentry.GetAsync(challenge.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        return authorized.Headers.Location!.PathAndQuery;
    }
}
