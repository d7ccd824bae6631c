using System.Net;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.SignIn;

public sealed class SigningInWithSentryTests : SignInTestHost
{
    [Fact]
    public async Task The_round_trip_through_Sentry_signs_the_person_in_with_PKCE_and_returns_to_the_page_asked_for()
    {
        await InstallAsync("acme");
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
    public async Task Signing_in_makes_the_person_an_assignee_choice_in_their_installed_organizations_only()
    {
        await InstallAsync("acme");
        Sentry.SignedInUser = Sentry.AddUser(123, "Jane Doe", "acme", "umbrella");
        var browser = Browser();

        using var signedIn = await browser.GetAsync(await ThroughSentryAsync(browser, "/"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        await using var db = Portal.OpenDatabase();
        var person = Assert.Single(db.OrganizationPeople);
        Assert.Equal((Sentry.OrganizationIdOf("acme"), "123", "Jane Doe"), (person.OrganizationId, person.SentryUserId, person.Name));
    }

    [Fact]
    public async Task The_authorize_request_asks_for_a_code_with_an_S256_challenge_and_only_org_read_and_member_read()
    {
        using var challenge = await Browser().GetAsync("/signin/sentry?returnUrl=/", TestContext.Current.CancellationToken);

        var location = challenge.Headers.Location!;
        Assert.Equal(new Uri(Sentry.BaseUrl, "oauth/authorize/").GetLeftPart(UriPartial.Path), location.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(FakeSentry.OAuthClientId, query["client_id"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal("org:read member:read", query["scope"]);
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

    [Fact]
    public async Task A_person_whose_organizations_have_not_installed_the_app_gets_the_no_access_page()
    {
        await InstallAsync("acme");
        Sentry.SignedInUser = Sentry.AddUser(321, "Outside Person", "globex");
        var browser = Browser();

        using var signedIn = await browser.GetAsync(await ThroughSentryAsync(browser, "/"), TestContext.Current.CancellationToken);
        using var home = await browser.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/signin/no-access", home.Headers.Location!.AbsolutePath);
        using var page = await browser.GetAsync(home.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("none of your Sentry organizations has installed this app", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_see_exactly_their_organizations_on_pages_and_on_the_hub_and_operators_see_all()
    {
        var acme = await InstallAsync("acme");
        var globex = await InstallAsync("globex");
        await DeliverIssueAsync(acme, "900000001");
        await DeliverIssueAsync(globex, "900000002");
        var member = await SignInAsync(Sentry.AddUser(123, "Jane Doe", "acme", "umbrella"));
        var operatorBrowser = await SignInAsync(Sentry.AddUser(999, "Ops Person"));

        var memberDeliveries = await member.Browser.GetStringAsync("/", TestContext.Current.CancellationToken);
        var memberInstallations = await member.Browser.GetStringAsync("/installations", TestContext.Current.CancellationToken);
        var operatorDeliveries = await operatorBrowser.Browser.GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains(">acme<", memberDeliveries, StringComparison.Ordinal);
        Assert.DoesNotContain("globex", memberDeliveries, StringComparison.Ordinal);
        Assert.Contains(acme.Uuid.ToString(), memberInstallations, StringComparison.Ordinal);
        Assert.DoesNotContain(globex.Uuid.ToString(), memberInstallations, StringComparison.Ordinal);
        Assert.Contains(">acme<", operatorDeliveries, StringComparison.Ordinal);
        Assert.Contains(">globex<", operatorDeliveries, StringComparison.Ordinal);

        var memberHub = new System.Collections.Concurrent.ConcurrentQueue<Portal.Realtime.DeliverySummary>();
        var operatorHub = new System.Collections.Concurrent.ConcurrentQueue<Portal.Realtime.DeliverySummary>();
        await using var memberConnection = await SubscribeAsync(member.Cookie, memberHub);
        await using var operatorConnection = await SubscribeAsync(operatorBrowser.Cookie, operatorHub);
        await DeliverIssueAsync(acme, "900000003");
        await DeliverIssueAsync(globex, "900000004");

        await Eventually.TrueAsync(() => Task.FromResult(operatorHub.Count(s => s.State == global::Portal.Data.Entities.DeliveryState.Processed) >= 2), "both processed deliveries on the operator's hub");
        await Eventually.TrueAsync(() => Task.FromResult(memberHub.Any(s => s.State == global::Portal.Data.Entities.DeliveryState.Processed)), "the member's processed delivery");
        Assert.All(memberHub, summary => Assert.Equal("acme", summary.OrganizationSlug));

        // The live "stored" message already names the organization, so members hear of it before processing.
        Assert.Contains(memberHub, summary => summary.Kind == global::Portal.Realtime.DeliverySummaryKind.Stored);
        Assert.Contains(operatorHub, summary => summary.OrganizationSlug == "globex");
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
