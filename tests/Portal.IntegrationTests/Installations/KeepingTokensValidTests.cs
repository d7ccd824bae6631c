using Portal.Data.Entities;
using Portal.Installations;
using Portal.IntegrationTests.TestSupport;
using Portal.SentryPlatform;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Installations;

public sealed class KeepingTokensValidTests : InstallationTestHost
{
    [Fact]
    public async Task A_token_with_more_than_ten_minutes_left_is_used_as_it_is()
    {
        var installation = await InstallAsync();
        Time.Advance(FakeSentry.TokenLifetime - InstallationTokens.RefreshMargin - TimeSpan.FromMinutes(1));

        await Service<InstallationApi>().GetInstallationAsync(installation.Uuid, TestContext.Current.CancellationToken);

        Assert.Equal(0, Sentry.CountRequests("POST", "/authorizations/", "refresh_token"));
    }

    [Fact]
    public async Task A_token_with_less_than_ten_minutes_left_is_refreshed_before_the_call()
    {
        var installation = await InstallAsync();
        var first = Sentry.CurrentToken(installation);
        Time.Advance(FakeSentry.TokenLifetime - InstallationTokens.RefreshMargin + TimeSpan.FromMinutes(1));

        await Service<InstallationApi>().GetInstallationAsync(installation.Uuid, TestContext.Current.CancellationToken);

        Assert.Equal(1, Sentry.CountRequests("POST", "/authorizations/", "refresh_token"));
        var get = Sentry.Requests.Last(r => r.Method == "GET");
        Assert.NotEqual($"Bearer {first}", get.Headers["Authorization"]);
        Assert.Equal($"Bearer {Sentry.CurrentToken(installation)}", get.Headers["Authorization"]);
        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(Time.GetUtcNow() + FakeSentry.TokenLifetime, stored!.TokenExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(Time.GetUtcNow(), stored.LastRefreshedAt);
    }

    [Fact]
    public async Task Fifty_concurrent_calls_on_an_expired_token_cause_exactly_one_refresh()
    {
        var installation = await InstallAsync();
        Time.Advance(FakeSentry.TokenLifetime + TimeSpan.FromMinutes(1));
        Sentry.ExchangeDelay = TimeSpan.FromMilliseconds(50);
        var api = Service<InstallationApi>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Task.Run(() => api.GetInstallationAsync(installation.Uuid, TestContext.Current.CancellationToken))));

        Assert.All(answers, answer => Assert.Equal("acme", answer.OrganizationSlug));
        Assert.Equal(1, Sentry.CountRequests("POST", "/authorizations/", "refresh_token"));
        Assert.Equal(50, Sentry.Requests.Count(r => r.Method == "GET" && r.Headers["Authorization"] == $"Bearer {Sentry.CurrentToken(installation)}"));
    }

    [Fact]
    public async Task A_lost_refresh_answer_is_recovered_with_the_manual_JWT_refresh()
    {
        var installation = await InstallAsync();
        Time.Advance(FakeSentry.TokenLifetime + TimeSpan.FromMinutes(1));
        Sentry.LoseNextRefreshAnswer = true;

        var answer = await Service<InstallationApi>().GetInstallationAsync(installation.Uuid, TestContext.Current.CancellationToken);

        Assert.Equal("acme", answer.OrganizationSlug);
        Assert.Equal(2, Sentry.CountRequests("POST", "/authorizations/", "refresh_token"));
        var manual = Assert.Single(Sentry.Requests, r => r.Body == $"{{\"grant_type\":\"{SentryApiClient.JwtBearerGrantType}\"}}");
        Assert.StartsWith("Bearer ey", manual.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal($"Bearer {Sentry.CurrentToken(installation)}", Sentry.Requests.Last(r => r.Method == "GET").Headers["Authorization"]);
        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.Installed, stored!.Status);
        Assert.Equal(Sentry.CurrentToken(installation), Service<InstallationTokenProtector>().TryUnprotect(stored.ProtectedAccessToken));
    }

    [Fact]
    public async Task When_every_way_of_refreshing_fails_the_installation_needs_reauthorization()
    {
        var installation = await InstallAsync();
        Time.Advance(FakeSentry.TokenLifetime + TimeSpan.FromMinutes(1));
        Sentry.LoseNextRefreshAnswer = true;
        Sentry.ManualRefreshEnabled = false;

        var error = await Assert.ThrowsAsync<InstallationUnavailableException>(() =>
            Service<InstallationApi>().GetInstallationAsync(installation.Uuid, TestContext.Current.CancellationToken));

        Assert.Contains("reauthorized", error.Message, StringComparison.Ordinal);
        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.NeedsReauthorization, stored!.Status);
        Assert.Contains("Manual token refresh is not enabled", stored.LastRefreshError, StringComparison.Ordinal);
        Assert.Null(stored.ProtectedAccessToken);
        Assert.Contains(Portal.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("needs to be reauthorized", StringComparison.Ordinal));
        var requests = Sentry.Requests.Count;
        await Assert.ThrowsAsync<InstallationUnavailableException>(() =>
            Service<InstallationApi>().GetInstallationAsync(installation.Uuid, TestContext.Current.CancellationToken));
        Assert.Equal(requests, Sentry.Requests.Count);
    }

    [Fact]
    public async Task Sentry_down_during_a_proactive_refresh_keeps_the_still_valid_token_in_use()
    {
        var installation = await InstallAsync();
        var token = Sentry.CurrentToken(installation);
        Time.Advance(FakeSentry.TokenLifetime - TimeSpan.FromMinutes(5));
        Sentry.Down = true;

        var used = await Service<InstallationTokens>().GetAccessTokenAsync(installation.Uuid, TestContext.Current.CancellationToken);

        Assert.Equal(token, used);
        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.Installed, stored!.Status);
        Assert.Contains("could not be reached", stored.LastRefreshError, StringComparison.Ordinal);
        Assert.Null(stored.RefreshLeaseUntil);
    }

    [Fact]
    public async Task Refresh_now_replaces_the_pair_even_far_from_expiry()
    {
        var installation = await InstallAsync();
        var first = Sentry.CurrentToken(installation);

        var problem = await Service<InstallationDirectory>().RefreshTokenAsync(installation.Uuid, AccessScope.Everything, TestContext.Current.CancellationToken);

        Assert.Null(problem);
        Assert.NotEqual(first, Sentry.CurrentToken(installation));
        Assert.Equal(Sentry.CurrentToken(installation), await Service<InstallationTokens>().GetAccessTokenAsync(installation.Uuid, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Refresh_now_with_Sentry_down_says_why_and_keeps_the_working_token()
    {
        var installation = await InstallAsync();
        var token = Sentry.CurrentToken(installation);
        Sentry.Down = true;

        var problem = await Service<InstallationDirectory>().RefreshTokenAsync(installation.Uuid, AccessScope.Everything, TestContext.Current.CancellationToken);

        Assert.Contains("could not be reached", problem, StringComparison.Ordinal);
        Sentry.Down = false;
        Assert.Equal(token, await Service<InstallationTokens>().GetAccessTokenAsync(installation.Uuid, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_verification_that_needs_a_new_token_refreshes_it_and_completes()
    {
        var installation = Sentry.AddInstallation();
        Sentry.VerificationsToRefuse = 1;
        using (var refused = await OpenSetupLinkAsync(installation, Sentry.IssueGrant(installation)))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadGateway, refused.StatusCode);
        }

        Time.Advance(FakeSentry.TokenLifetime + TimeSpan.FromMinutes(1));

        var installed = await Service<InstallationVerifier>().VerifyAsync(installation.Uuid, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(installed);
        Assert.Equal(1, Sentry.CountRequests("POST", "/authorizations/", "refresh_token"));
        Assert.Equal($"Bearer {Sentry.CurrentToken(installation)}", Sentry.Requests.Last(r => r.Method == "PUT").Headers["Authorization"]);
    }
}
