using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Scaleout;

/// <summary>
/// Two instances on one PostgreSQL database in front of one (fake) Sentry: what must happen once per installation
/// happens once whichever instances the requests land on — the grant code's exchange (it works once) and a token
/// refresh (each one revokes the pair before it).
/// </summary>
public sealed class InstallationsAcrossInstancesTests : PostgresOnlyTest
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private FakeSentry sentry = null!;
    private PortalFactory a = null!;
    private PortalFactory b = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override async Task StartAsync()
    {
        sentry = await FakeSentry.StartAsync();
        sentry.Time = time;
        a = new PortalFactory(DatabaseProvider.Postgres);
        b = new PortalFactory(a);
        InstallationTestHost.UseFakeSentry(a, sentry, time);
        InstallationTestHost.UseFakeSentry(b, sentry, time);
        _ = a.Services;
        _ = b.Services;
    }

    protected override async Task StopAsync()
    {
        if (b is not null)
        {
            await b.DisposeAsync();
        }

        if (a is not null)
        {
            await a.DisposeAsync();
        }

        if (sentry is not null)
        {
            await sentry.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_install_redirect_on_one_instance_racing_installation_created_on_the_other_exchanges_the_code_once()
    {
        sentry.ExchangeDelay = TimeSpan.FromMilliseconds(20);
        var rounds = new List<(FakeInstallation Installation, byte[] Webhook)>();
        for (var round = 0; round < 30; round++)
        {
            var installation = sentry.AddInstallation($"org-{round}");
            var code = sentry.IssueGrant(installation);
            var body = InstallationTestHost.InstallationWebhook(installation, "created", code);

            // Alternate which instance gets the browser, so both orders of the race are run.
            var (browserOn, webhookOn) = round % 2 == 0 ? (a, b) : (b, a);
            var redirect = InstallationTestHost.OpenSetupLinkAsync(browserOn, installation, code);
            var webhook = InstallationTestHost.SendWebhookAsync(webhookOn, time, body);
            using var redirected = await redirect;
            using var acknowledged = await webhook;
            Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, acknowledged.StatusCode);
            rounds.Add((installation, body));
        }

        foreach (var (_, webhook) in rounds)
        {
            await a.ProcessedDeliveryAsync(webhook);
        }

        Assert.All(rounds, round =>
            Assert.Equal(1, sentry.Requests.Count(r => r.Method == "POST" && r.Path == $"/api/0/sentry-app-installations/{round.Installation.Uuid}/authorizations/")));
        await using var db = a.Database.Open();
        Assert.All(await db.Installations.AsNoTracking().ToListAsync(Cancel), installation =>
        {
            Assert.Equal(InstallationStatus.Installed, installation.Status);
            Assert.NotNull(installation.ProtectedAccessToken);
        });
    }

    [Fact]
    public async Task Fifty_concurrent_calls_over_both_instances_on_an_expired_token_cause_one_refresh_and_both_use_the_new_token()
    {
        var installation = sentry.AddInstallation("acme");
        using (var installed = await InstallationTestHost.OpenSetupLinkAsync(a, installation, sentry.IssueGrant(installation)))
        {
            Assert.Equal(HttpStatusCode.Redirect, installed.StatusCode);
        }

        time.Advance(FakeSentry.TokenLifetime + TimeSpan.FromMinutes(1));
        sentry.ExchangeDelay = TimeSpan.FromMilliseconds(50);
        var apis = new[] { a.Services.GetRequiredService<InstallationApi>(), b.Services.GetRequiredService<InstallationApi>() };

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => apis[i % 2].GetInstallationAsync(installation.Uuid, Cancel))));

        Assert.All(answers, answer => Assert.Equal("acme", answer.OrganizationSlug));
        Assert.Equal(1, sentry.CountRequests("POST", "/authorizations/", "refresh_token"));
        Assert.Equal(50, sentry.Requests.Count(r => r.Method == "GET" && r.Headers["Authorization"] == $"Bearer {sentry.CurrentToken(installation)}"));
    }
}
