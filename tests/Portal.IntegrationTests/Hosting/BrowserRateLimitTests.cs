using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

/// <summary>reliability.md I6: anonymous browser endpoints are limited per address with 429; Sentry's signed calls never are.</summary>
public sealed class BrowserRateLimitTests
{
    private const string Setup = "/sentry/setup?code=abc&installationId=not-a-uuid";
    private const string SignIn = "/signin/sentry?returnUrl=%2F";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Setup)]
    [InlineData(SignIn)]
    public async Task The_installation_redirect_and_the_start_of_sign_in_answer_429_past_the_limit(string path)
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:AnonymousRequestsPerMinute"] = "3";
        var browser = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await browser.GetAsync(path, Cancel);
            statuses.Add(response.StatusCode);
            if (i == 4)
            {
                Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
            }
        }

        Assert.All(statuses.Take(3), status => Assert.NotEqual(HttpStatusCode.TooManyRequests, status));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(3));
    }

    [Theory]
    [InlineData(Setup, SignIn)]
    [InlineData(SignIn, Setup)]
    public async Task The_installation_redirect_and_sign_in_count_in_separate_buckets(string exhausted, string other)
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:AnonymousRequestsPerMinute"] = "2";
        var browser = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await browser.GetAsync(exhausted, Cancel);
        }

        using var limited = await browser.GetAsync(exhausted, Cancel);
        using var response = await browser.GetAsync(other, Cancel);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_bucket()
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:AnonymousRequestsPerMinute"] = "2";
        portal.Settings["Portal:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        using var proxy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = portal.StartOnLoopback() };

        var first = await StatusesAsync(proxy, Setup, 3, _ => "203.0.113.1");
        var second = await StatusesAsync(proxy, Setup, 1, _ => "203.0.113.2");

        Assert.Equal(HttpStatusCode.TooManyRequests, first[^1]);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, first[..^1]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, second.Single());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("10.0.0.5")]
    public async Task A_forwarded_for_header_from_an_address_that_is_not_a_known_proxy_does_not_escape_the_limit(string? knownProxy)
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:AnonymousRequestsPerMinute"] = "2";
        if (knownProxy is not null)
        {
            portal.Settings["Portal:ForwardedHeaders:KnownProxies:0"] = knownProxy;
            portal.Settings["Portal:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8";
        }

        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = portal.StartOnLoopback() };

        var statuses = await StatusesAsync(client, SignIn, 4, i => $"198.51.100.{i}");

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses[2..]);
    }

    [Theory]
    [InlineData("Portal:ForwardedHeaders:KnownProxies:0", "10.0.0.300")]
    [InlineData("Portal:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    [InlineData("Portal:ForwardedHeaders:KnownNetworks:0", "proxy.internal")]
    public async Task A_proxy_address_that_does_not_parse_stops_the_start_with_a_message_naming_the_key(string key, string value)
    {
        await using var portal = new PortalFactory();
        portal.Settings[key] = value;

        var failure = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains($"{key} ('{value}')", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_webhooks_are_never_counted()
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:AnonymousRequestsPerMinute"] = "1";
        portal.Settings["StacktraceLinks:PermitsPerMinute"] = "1";
        var client = portal.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.SendAsync(SignedRequests.Webhook("issue", SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), $"9{i}00000001")), Cancel);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    private static async Task<HttpStatusCode[]> StatusesAsync(HttpClient client, string path, int count, Func<int, string> forwardedFor)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Forwarded-For", forwardedFor(i));
            using var response = await client.SendAsync(request, Cancel);
            statuses[i] = response.StatusCode;
        }

        return statuses;
    }
}
