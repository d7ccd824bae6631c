using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

/// <summary>The SignalR endpoints refuse another site's browser before the hub runs; clients without Origin are unaffected.</summary>
public sealed class CrossOriginHubGuardTests
{
    private const string HubNegotiate = "/hubs/deliveries/negotiate?negotiateVersion=1";
    private const string CircuitNegotiate = "/_blazor/negotiate?negotiateVersion=1";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HubNegotiate, "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData(HubNegotiate, "http://localhost.evil.example", HttpStatusCode.Forbidden)]
    [InlineData(HubNegotiate, "null", HttpStatusCode.Forbidden)]
    [InlineData(HubNegotiate, "https://localhost", HttpStatusCode.Forbidden)]
    [InlineData(HubNegotiate, "http://localhost", HttpStatusCode.OK)]
    [InlineData(HubNegotiate, "HTTP://LOCALHOST:80", HttpStatusCode.OK)]
    [InlineData(HubNegotiate, null, HttpStatusCode.OK)]
    [InlineData(CircuitNegotiate, "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData(CircuitNegotiate, "http://localhost", HttpStatusCode.OK)]
    public async Task A_signed_in_negotiate_is_refused_only_from_another_origin(string path, string? origin, HttpStatusCode expected)
    {
        await using var portal = new PortalFactory();
        var browser = await SignedInAsync(portal);

        var response = await NegotiateAsync(browser, path, origin);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("https://dashboard.example")]
    [InlineData("https://portal.example")]
    public async Task The_public_base_url_and_the_configured_origins_are_allowed(string origin)
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:PublicBaseUrl"] = "https://portal.example/";
        portal.Settings["Portal:AllowedOrigins:0"] = "https://dashboard.example";
        var browser = await SignedInAsync(portal);

        var response = await NegotiateAsync(browser, HubNegotiate, origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_cross_origin_websocket_handshake_is_refused_before_sign_in_is_asked_for()
    {
        await using var portal = new PortalFactory();
        var sockets = portal.Server.CreateWebSocketClient();
        sockets.ConfigureRequest = request => request.Headers.Origin = "https://evil.example";

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => sockets.ConnectAsync(new Uri("ws://localhost/hubs/deliveries?id=x"), Cancel));
        using var anonymous = await NegotiateAsync(portal.CreateClient(), HubNegotiate, origin: null);

        Assert.Contains("403", failure.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_scheme_is_the_portals_own_origin()
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        var baseUrl = portal.StartOnLoopback();
        var cookies = new CookieContainer();
        using var proxy = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        await LocalSignIn.SignInAsync(proxy, Cancel);

        using var request = new HttpRequestMessage(HttpMethod.Post, HubNegotiate);
        request.Headers.Add("Origin", $"https://{baseUrl.Authority}");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await proxy.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_allowed_origin_that_is_not_an_origin_stops_the_start_with_a_message_naming_the_key()
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:AllowedOrigins:0"] = "https://dashboard.example/app";

        var failure = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains("Portal:AllowedOrigins:0 ('https://dashboard.example/app')", failure.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpClient> SignedInAsync(PortalFactory portal)
    {
        var browser = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await LocalSignIn.SignInAsync(browser, Cancel);
        return browser;
    }

    private static async Task<HttpResponseMessage> NegotiateAsync(HttpClient client, string path, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return await client.SendAsync(request, Cancel);
    }
}
