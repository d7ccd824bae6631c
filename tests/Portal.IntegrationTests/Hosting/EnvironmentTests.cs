using System.Net;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

public sealed class EnvironmentTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/installations")]
    public async Task In_production_the_admin_pages_send_an_anonymous_visitor_to_sign_in(string page)
    {
        await using var factory = ProductionPortal.Create();
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(page, Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task The_hub_cannot_be_negotiated_without_signing_in()
    {
        await using var factory = ProductionPortal.Create();
        var client = factory.CreateClient();

        var response = await client.PostAsync("/hubs/deliveries/negotiate?negotiateVersion=1", null, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("connectionToken", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_production_the_webhook_and_health_endpoints_still_work()
    {
        await using var factory = ProductionPortal.Create();
        var client = factory.CreateClient();

        var health = await client.GetAsync("/healthz", Cancel);
        var webhook = await client.SendAsync(SignedRequests.Webhook(SampleDeliveries.Named("webhook.issue.created.json")), Cancel);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, webhook.StatusCode);
    }

    [Fact]
    public async Task In_production_a_missing_client_secret_stops_the_start_with_a_message_naming_the_key()
    {
        await using var factory = ProductionPortal.Create();
        factory.Settings["Sentry:ClientSecret"] = "";

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Sentry:ClientSecret", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        await using var factory = new PortalFactory();
        var client = factory.CreateClient();

        var response = await client.GetAsync("/", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task In_production_there_is_no_local_sign_in()
    {
        await using var factory = ProductionPortal.Create();
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetStringAsync("/signin", Cancel);
        using var local = await client.PostAsync("/signin/local", new FormUrlEncodedContent([]), Cancel);
        using var home = await client.GetAsync("/", Cancel);

        Assert.DoesNotContain("signin-local", page, StringComparison.Ordinal);
        Assert.Contains("Sign in with Sentry", page, StringComparison.Ordinal);
        Assert.DoesNotContain(local.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], cookie => cookie.Contains("portal.session=", StringComparison.Ordinal) && !cookie.Contains("portal.session=;", StringComparison.Ordinal));
        Assert.Equal("/signin", home.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task In_production_missing_sign_in_credentials_stop_the_start_with_a_message_naming_the_keys()
    {
        await using var factory = ProductionPortal.Create();
        factory.Settings["SignIn:ClientSecret"] = null;

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("SignIn:ClientId and SignIn:ClientSecret", failure.ToString(), StringComparison.Ordinal);
    }
}
