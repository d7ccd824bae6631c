using System.Net;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.SignIn;

public sealed class SigningInWithSentryTests : InstallationTestHost
{
    protected override void Configure(PortalFactory portal)
    {
        portal.Settings["SignIn:ClientId"] = FakeSentry.OAuthClientId;
        portal.Settings["SignIn:ClientSecret"] = FakeSentry.OAuthClientSecret;
    }

    [Fact]
    public async Task The_round_trip_through_Sentry_signs_the_person_in_with_PKCE_and_returns_to_the_page_asked_for()
    {
        Sentry.SignedInUser = Sentry.AddUser(123, "Jane Doe", "acme");
        var browser = Browser();

        var callback = await ThroughSentryAsync(browser, "/installations");
        using var signedIn = await browser.GetAsync(callback, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/installations", signedIn.Headers.Location!.OriginalString);
        var token = Assert.Single(Sentry.Requests, r => r.Path == "/oauth/token/");
        Assert.StartsWith("application/x-www-form-urlencoded", token.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("grant_type=authorization_code", token.Body, StringComparison.Ordinal);
        Assert.Contains("code_verifier=", token.Body, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=http%3A%2F%2Flocalhost%2Fsignin-sentry", token.Body, StringComparison.Ordinal);
        var organizations = Assert.Single(Sentry.Requests, r => r.Path == "/api/0/organizations/");
        Assert.StartsWith("Bearer ", organizations.Headers["Authorization"], StringComparison.Ordinal);
        var page = await browser.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("Jane Doe", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_authorize_request_asks_for_a_code_with_an_S256_challenge_and_only_org_read()
    {
        using var challenge = await Browser().GetAsync("/signin/sentry?returnUrl=/", TestContext.Current.CancellationToken);

        var location = challenge.Headers.Location!;
        Assert.Equal(new Uri(Sentry.BaseUrl, "oauth/authorize/").GetLeftPart(UriPartial.Path), location.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(FakeSentry.OAuthClientId, query["client_id"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal("org:read", query["scope"]);
        Assert.Equal("http://localhost/signin-sentry", query["redirect_uri"]);
    }

    [Fact]
    public async Task A_tampered_state_is_refused_on_a_page_not_a_500()
    {
        Sentry.SignedInUser = Sentry.AddUser(123, "Jane Doe", "acme");
        var browser = Browser();
        var callback = await ThroughSentryAsync(browser, "/");

        using var refused = await browser.GetAsync(callback.Replace("state=", "state=x", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/signin/failed?reason=", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentry.Requests, r => r.Path == "/oauth/token/");
        await AssertFailurePageAsync(browser, refused);
    }

    [Fact]
    public async Task A_callback_without_the_correlation_cookie_is_refused()
    {
        Sentry.SignedInUser = Sentry.AddUser(123, "Jane Doe", "acme");
        var callback = await ThroughSentryAsync(Browser(), "/");

        using var refused = await Browser().GetAsync(callback, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/signin/failed?reason=correlation", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentry.Requests, r => r.Path == "/oauth/token/");
    }

    [Fact]
    public async Task A_denied_consent_ends_on_the_failure_page()
    {
        Sentry.DenyAuthorization = true;
        var browser = Browser();
        var callback = await ThroughSentryAsync(browser, "/");

        using var refused = await browser.GetAsync(callback, TestContext.Current.CancellationToken);

        Assert.Equal("/signin/failed", refused.Headers.Location!.AbsolutePathOrSelf());
        Assert.Contains("reason=denied", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await AssertFailurePageAsync(browser, refused);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task The_return_address_is_always_a_local_path(string returnUrl)
    {
        Sentry.SignedInUser = Sentry.AddUser(123, "Jane Doe", "acme");
        var browser = Browser();

        var callback = await ThroughSentryAsync(browser, returnUrl);
        using var signedIn = await browser.GetAsync(callback, TestContext.Current.CancellationToken);

        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    // The browser's trip: the portal's challenge, then Sentry's authorize page, which sends it back with a code.
    private static async Task<string> ThroughSentryAsync(HttpClient browser, string returnUrl)
    {
        using var challenge = await browser.GetAsync($"/signin/sentry?returnUrl={Uri.EscapeDataString(returnUrl)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        using var sentry = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var authorized = await sentry.GetAsync(challenge.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        return authorized.Headers.Location!.PathAndQuery;
    }

    private static async Task AssertFailurePageAsync(HttpClient browser, HttpResponseMessage redirect)
    {
        using var page = await browser.GetAsync(redirect.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var text = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Sign-in did not complete", text, StringComparison.Ordinal);
        Assert.Contains("Correlation id:", text, StringComparison.Ordinal);
    }
}

internal static class UriExtensions
{
    public static string AbsolutePathOrSelf(this Uri uri) =>
        uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
}
