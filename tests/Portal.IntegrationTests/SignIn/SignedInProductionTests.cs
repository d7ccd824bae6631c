using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.SignIn;

/// <summary>
/// Production with a real session: even an operator signed in through Sentry finds no local sign-in and no
/// simulator. (Signed out, every page sends to /signin, which would prove nothing about their absence.)
/// </summary>
public sealed class SignedInProductionTests : InstallationTestHost
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override void Configure(PortalFactory portal)
    {
        portal.EnvironmentName = "Production";
        portal.Settings["Sentry:ClientId"] = FakeSentry.ClientId;
        portal.Settings["Sentry:AppSlug"] = "test-app";
        portal.Settings["SignIn:ClientId"] = FakeSentry.OAuthClientId;
        portal.Settings["SignIn:ClientSecret"] = FakeSentry.OAuthClientSecret;
        portal.Settings["SignIn:OperatorUserIds:0"] = "999";
    }

    [Fact]
    public async Task A_signed_in_operator_in_production_has_no_simulator_and_no_local_sign_in()
    {
        var browser = await SignInAsync(Sentry.AddUser(999, "Ops Person"));

        using var home = await browser.GetAsync("/", Cancel);
        using var simulator = await browser.GetAsync("/simulator", Cancel);
        using var localSignIn = await browser.PostAsync("/signin/local", new FormUrlEncodedContent([]), Cancel);
        var homePage = await home.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Ops Person", homePage, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/simulator\"", homePage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, simulator.StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, localSignIn.StatusCode);
        Assert.False(localSignIn.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.Any(c => c.Contains("portal.session=", StringComparison.Ordinal) && !c.Contains("portal.session=;", StringComparison.Ordinal)));
    }

    // https, so the browser keeps and sends the __Host- session cookie as a real one would.
    private async Task<HttpClient> SignInAsync(FakeUser user)
    {
        Sentry.SignedInUser = user;
        var browser = Portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        using var challenge = await browser.GetAsync("/signin/sentry?returnUrl=%2F", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        using var sentry = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var authorized = await sentry.GetAsync(challenge.Headers.Location, Cancel);
        using var signedIn = await browser.GetAsync(authorized.Headers.Location!.PathAndQuery, Cancel);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-portal.session=", StringComparison.Ordinal));
        return browser;
    }
}
