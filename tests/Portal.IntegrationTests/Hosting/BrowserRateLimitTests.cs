using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

/// <summary>reliability.md I6: anonymous browser endpoints are limited per address with 429; Sentry's signed calls never are.</summary>
public sealed class BrowserRateLimitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/sentry/setup?code=abc&installationId=not-a-uuid")]
    [InlineData("/signin/sentry?returnUrl=%2F")]
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
}
