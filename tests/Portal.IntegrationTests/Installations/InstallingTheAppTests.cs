using System.Net;
using System.Text;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Installations;

public sealed class InstallingTheAppTests : InstallationTestHost
{
    private static readonly string[] DatabaseFiles = ["", "-wal"];

    [Fact]
    public async Task Install_redirect_exchanges_the_code_verifies_and_sends_the_browser_back_to_Sentry()
    {
        var installation = Sentry.AddInstallation("acme");
        var code = Sentry.IssueGrant(installation);

        using var response = await OpenSetupLinkAsync(installation, code);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(Sentry.BaseUrl, "settings/acme/sentry-apps/acme-portal/"), response.Headers.Location);
        var exchange = Assert.Single(Sentry.Requests, r => r.Path.EndsWith("/authorizations/", StringComparison.Ordinal));
        Assert.Equal("POST", exchange.Method);
        Assert.Equal($"/api/0/sentry-app-installations/{installation.Uuid}/authorizations/", exchange.Path);
        Assert.Equal("application/json", exchange.Headers["Content-Type"]);
        Assert.False(exchange.Headers.ContainsKey("Authorization"));
        Assert.Equal(
            $"{{\"grant_type\":\"authorization_code\",\"code\":\"{code}\",\"client_id\":\"{FakeSentry.ClientId}\",\"client_secret\":\"{FakeSentry.ClientSecret}\"}}",
            exchange.Body);
        var verify = Assert.Single(Sentry.Requests, r => r.Method == "PUT");
        Assert.Equal($"/api/0/sentry-app-installations/{installation.Uuid}/", verify.Path);
        Assert.Equal($"Bearer {Sentry.CurrentToken(installation)}", verify.Headers["Authorization"]);
        Assert.Equal("{\"status\":\"installed\"}", verify.Body);
        Assert.StartsWith("SentryAppPortal/", verify.Headers["User-Agent"], StringComparison.Ordinal);
        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.NotNull(stored);
        Assert.Equal(InstallationStatus.Installed, stored.Status);
        Assert.Equal(installation.OrganizationId, stored.OrganizationId);
        Assert.Equal("acme", await Portal.OrganizationSlugAsync(stored.OrganizationId));
        Assert.Equal(42, stored.SentryAppId);
        Assert.NotNull(stored.VerifiedAt);
        Assert.Equal(Time.GetUtcNow() + FakeSentry.TokenLifetime, stored.TokenExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal("installed", installation.Status);
    }

    [Fact]
    public async Task The_organization_comes_from_Sentry_not_from_the_query_string()
    {
        var installation = Sentry.AddInstallation("acme");

        using var response = await OpenSetupLinkAsync(installation, Sentry.IssueGrant(installation), orgSlug: "evil-corp");

        Assert.Equal(new Uri(Sentry.BaseUrl, "settings/acme/sentry-apps/acme-portal/"), response.Headers.Location);
        Assert.Equal("acme", await Portal.OrganizationSlugAsync((await FindInstallationAsync(installation.Uuid))!.OrganizationId));
    }

    [Fact]
    public async Task Stored_tokens_are_protected_and_not_readable_in_the_database_file()
    {
        var installation = await InstallAsync();
        var token = Sentry.CurrentToken(installation)!;

        var stored = await FindInstallationAsync(installation.Uuid);
        // On SQLite, the file's bytes (WAL included); on PostgreSQL the stored column is what is checked.
        var files = Portal.DatabasePath is { } database
            ? DatabaseFiles.Select(suffix => database + suffix).Where(File.Exists).Select(path => Encoding.Latin1.GetString(ReadShared(path))).ToList()
            : [];

        Assert.NotNull(stored!.ProtectedAccessToken);
        Assert.DoesNotContain(token, stored.ProtectedAccessToken, StringComparison.Ordinal);
        Assert.All(files, content => Assert.DoesNotContain(token, content, StringComparison.Ordinal));
        Assert.Equal(token, Service<InstallationTokenProtector>().TryUnprotect(stored.ProtectedAccessToken));
        Assert.Equal(token, await Service<InstallationTokens>().GetAccessTokenAsync(installation.Uuid, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Redirect_and_installation_created_racing_exchange_the_code_exactly_once()
    {
        Sentry.ExchangeDelay = TimeSpan.FromMilliseconds(2);
        var installations = new List<(FakeInstallation Installation, byte[] Webhook)>();

        for (var round = 0; round < 100; round++)
        {
            var installation = Sentry.AddInstallation($"org-{round}");
            var code = Sentry.IssueGrant(installation);
            var body = InstallationWebhook(installation, "created", code);
            var redirect = OpenSetupLinkAsync(installation, code);
            var webhook = SendWebhookAsync(body);
            using var redirected = await redirect;
            using var acknowledged = await webhook;
            Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, acknowledged.StatusCode);
            installations.Add((installation, body));
        }

        foreach (var (_, webhook) in installations)
        {
            await Portal.ProcessedDeliveryAsync(webhook);
        }

        Assert.All(installations, pair =>
            Assert.Equal(1, Sentry.Requests.Count(r => r.Path == $"/api/0/sentry-app-installations/{pair.Installation.Uuid}/authorizations/")));
        await using var db = Portal.OpenDatabase();
        Assert.Equal(100, db.Installations.Count());
        Assert.All(db.Installations.ToList(), i =>
        {
            Assert.Equal(InstallationStatus.Installed, i.Status);
            Assert.NotNull(i.ProtectedAccessToken);
        });
    }

    [Fact]
    public async Task Only_the_installations_own_code_sends_the_browser_back_to_its_organizations_settings()
    {
        var installation = Sentry.AddInstallation("quiet-org");
        var code = Sentry.IssueGrant(installation);
        using (var installed = await OpenSetupLinkAsync(installation, code))
        {
            Assert.Equal(HttpStatusCode.Redirect, installed.StatusCode);
        }

        Time.Advance(TimeSpan.FromHours(2));
        using var reloaded = await OpenSetupLinkAsync(installation, code);
        using var guessed = await OpenSetupLinkAsync(installation, new string('b', 64), orgSlug: "quiet-org");

        Assert.Equal(new Uri(Sentry.BaseUrl, "settings/quiet-org/sentry-apps/acme-portal/"), reloaded.Headers.Location);
        Assert.Equal(HttpStatusCode.BadRequest, guessed.StatusCode);
        Assert.Null(guessed.Headers.Location);
        var page = await guessed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("This installation link has expired or was used", page, StringComparison.Ordinal);
        Assert.DoesNotContain("quiet-org", page, StringComparison.Ordinal);
        Assert.Equal(1, Sentry.CountRequests("POST", "/authorizations/"));
    }

    [Fact]
    public async Task An_expired_code_ends_on_the_error_page_with_nothing_stored()
    {
        var installation = Sentry.AddInstallation();
        var code = Sentry.IssueGrant(installation);
        Time.Advance(TimeSpan.FromMinutes(11));

        using var response = await OpenSetupLinkAsync(installation, code);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("This installation link has expired", page, StringComparison.Ordinal);
        Assert.Contains("Grant has already expired", page, StringComparison.Ordinal);
        Assert.DoesNotContain(code, page, StringComparison.Ordinal);
        Assert.Null(await FindInstallationAsync(installation.Uuid));
    }

    [Fact]
    public async Task A_code_Sentry_does_not_know_ends_on_the_error_page_with_nothing_stored()
    {
        var installation = Sentry.AddInstallation();

        using var response = await OpenSetupLinkAsync(installation, new string('a', 64));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Could not find grant for given code", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Null(await FindInstallationAsync(installation.Uuid));
    }

    [Fact]
    public async Task Sentry_unreachable_ends_on_the_error_page_and_the_same_link_works_once_Sentry_is_back()
    {
        var installation = Sentry.AddInstallation();
        var code = Sentry.IssueGrant(installation);
        Sentry.Down = true;

        using var failed = await OpenSetupLinkAsync(installation, code);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Contains("Sentry could not be reached", await failed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Null(await FindInstallationAsync(installation.Uuid));

        Sentry.Down = false;
        using var retried = await OpenSetupLinkAsync(installation, code);

        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.Equal(InstallationStatus.Installed, (await FindInstallationAsync(installation.Uuid))!.Status);
    }

    [Fact]
    public async Task A_retried_installation_created_for_tokens_Sentry_has_not_confirmed_confirms_them_at_once()
    {
        // What an instance killed between the exchange and Sentry's answer to the verification leaves behind: tokens,
        // no confirmation. Sentry's retry of installation.created (same code) reaches another instance.
        var installation = Sentry.AddInstallation();
        var code = Sentry.IssueGrant(installation);
        Sentry.VerificationsToRefuse = 1;
        using (var unconfirmed = await OpenSetupLinkAsync(installation, code))
        {
            Assert.Equal(HttpStatusCode.BadGateway, unconfirmed.StatusCode);
        }

        var retried = InstallationWebhook(installation, "created", code);
        using (var acknowledged = await SendWebhookAsync(retried))
        {
            Assert.Equal(HttpStatusCode.Accepted, acknowledged.StatusCode);
        }

        var delivery = await Portal.ProcessedDeliveryAsync(retried);
        Assert.Null(delivery.LastError);
        var confirmed = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.Installed, confirmed!.Status);
        Assert.Null(confirmed.VerificationError);
        Assert.Equal(1, Sentry.CountRequests("POST", "/authorizations/"));
        Assert.Equal(2, Sentry.CountRequests("PUT", $"/{installation.Uuid}/"));
    }

    [Fact]
    public async Task Refused_verification_is_shown_kept_with_its_tokens_and_retried_until_Sentry_accepts_it()
    {
        var installation = Sentry.AddInstallation();
        Sentry.VerificationsToRefuse = 1;

        using var response = await OpenSetupLinkAsync(installation, Sentry.IssueGrant(installation));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Installed, but not yet confirmed", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var pending = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.Pending, pending!.Status);
        Assert.NotNull(pending.ProtectedAccessToken);
        Assert.Contains("403", pending.VerificationError, StringComparison.Ordinal);
        Assert.Equal(Time.GetUtcNow() + InstallationVerifier.DelayAfter(1), pending.NextVerificationAt);

        Time.Advance(InstallationVerifier.DelayAfter(1));

        // The verifier wakes on its own poll timer: keep the clock moving until it has.
        await Eventually.TrueAsync(
            async () =>
            {
                Time.Advance(InstallationVerifier.PollInterval);
                return (await FindInstallationAsync(installation.Uuid))!.Status == InstallationStatus.Installed;
            },
            "the verifier's retry to confirm the installation");
        var installed = await FindInstallationAsync(installation.Uuid);
        Assert.Null(installed!.VerificationError);
        Assert.Null(installed.NextVerificationAt);
        Assert.Equal(2, Sentry.CountRequests("PUT", $"/{installation.Uuid}/"));
        Assert.Equal(1, Sentry.CountRequests("POST", "/authorizations/"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?installationId=a8e5d37a-696c-4c54-adb5-b3f28d64c7de")]
    [InlineData("?code=abc&installationId=not-a-uuid")]
    [InlineData("?code=%3Cscript%3E&installationId=a8e5d37a-696c-4c54-adb5-b3f28d64c7de")]
    public async Task A_malformed_link_gets_a_page_that_says_so_and_calls_nobody(string query)
    {
        using var response = await Browser().GetAsync($"/sentry/setup{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This installation link is incomplete", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Empty(Sentry.Requests);
    }

    [Fact]
    public async Task The_setup_page_keeps_the_code_out_of_referrers_and_caches()
    {
        var installation = Sentry.AddInstallation();

        using var response = await OpenSetupLinkAsync(installation, Sentry.IssueGrant(installation));

        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Installation_created_alone_completes_the_installation()
    {
        var installation = Sentry.AddInstallation("globex");
        var body = InstallationWebhook(installation, "created", Sentry.IssueGrant(installation));

        using var response = await SendWebhookAsync(body);
        await Portal.ProcessedDeliveryAsync(body);

        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.Installed, stored!.Status);
        Assert.Equal("globex", await Portal.OrganizationSlugAsync(stored.OrganizationId));
        Assert.Equal(1, Sentry.CountRequests("POST", "/authorizations/", "authorization_code"));
    }

    [Fact]
    public async Task Installation_created_with_an_expired_code_and_no_tokens_needs_reauthorization_and_its_delivery_says_so()
    {
        var installation = Sentry.AddInstallation();
        var code = Sentry.IssueGrant(installation);
        Time.Advance(TimeSpan.FromMinutes(11));
        var body = InstallationWebhook(installation, "created", code);

        using var response = await SendWebhookAsync(body);
        var delivery = await Portal.ProcessedDeliveryAsync(body, DeliveryState.NeedsAttention);

        Assert.Contains("needs reauthorization", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("install the app again", delivery.LastError, StringComparison.Ordinal);
        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.NeedsReauthorization, stored!.Status);
        Assert.Contains("expired", stored.LastRefreshError, StringComparison.Ordinal);
        Assert.Null(stored.ProtectedAccessToken);
    }

    [Fact]
    public async Task Installation_deleted_removes_the_tokens_at_once_and_stops_calls_to_Sentry()
    {
        var installation = await InstallAsync();
        var body = InstallationWebhook(installation, "deleted", null);

        using var response = await SendWebhookAsync(body);
        await Portal.ProcessedDeliveryAsync(body);

        var stored = await FindInstallationAsync(installation.Uuid);
        Assert.Equal(InstallationStatus.Uninstalled, stored!.Status);
        Assert.Null(stored.ProtectedAccessToken);
        Assert.Null(stored.ProtectedRefreshToken);
        Assert.NotNull(stored.UninstalledAt);
        var requestsBefore = Sentry.Requests.Count;
        await Assert.ThrowsAsync<InstallationUnavailableException>(() =>
            Service<InstallationApi>().GetInstallationAsync(installation.Uuid, TestContext.Current.CancellationToken));
        Assert.Equal(requestsBefore, Sentry.Requests.Count);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
