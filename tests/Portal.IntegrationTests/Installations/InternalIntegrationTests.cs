using System.Net;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Installations;

public sealed class InternalIntegrationTests : InstallationTestHost
{
    private FakeInstallation integration = null!;

    protected override void Configure(PortalFactory portal)
    {
        integration = Sentry.AddInstallation("initech");
        portal.Settings["Sentry:ClientId"] = null;
        portal.Settings["Sentry:InternalIntegration:Token"] = Sentry.IssueStaticToken(integration);
        portal.Settings["Sentry:InternalIntegration:OrganizationSlug"] = "initech";
        portal.Settings["Sentry:InternalIntegration:InstallationId"] = integration.Uuid.ToString();
    }

    [Fact]
    public async Task The_portal_records_the_internal_installation_and_calls_Sentry_with_its_static_token()
    {
        _ = Portal.Server;

        // The configured slug names nothing: the organization's id comes from Sentry, asked with the static token.
        Installation? stored = null;
        await Eventually.TrueAsync(async () => (stored = await FindInstallationAsync(integration.Uuid))?.OrganizationId == integration.OrganizationId,
            "the internal installation to learn its organization's id from Sentry");
        Assert.Equal(InstallationKind.Internal, stored!.Kind);
        Assert.Equal(InstallationStatus.Installed, stored.Status);
        Assert.Equal("initech", await Portal.OrganizationSlugAsync(stored.OrganizationId));
        Assert.Null(stored.TokenExpiresAt);

        Time.Advance(TimeSpan.FromDays(30));
        var answer = await Service<InstallationApi>().GetInstallationAsync(integration.Uuid, TestContext.Current.CancellationToken);

        Assert.Equal("initech", answer.OrganizationSlug);
        Assert.All(Sentry.Requests, request => Assert.Equal($"Bearer {Sentry.CurrentToken(integration)}", request.Headers["Authorization"]));
    }

    [Fact]
    public async Task There_is_no_install_flow()
    {
        using var response = await Browser().GetAsync(
            $"/sentry/setup?code={new string('a', 64)}&installationId={integration.Uuid}&orgSlug=initech", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("internal integration", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(0, Sentry.CountRequests("POST", "/authorizations/"));
    }

    [Fact]
    public async Task A_rejected_static_token_is_reported_rather_than_refreshed()
    {
        _ = Portal.Server;
        Sentry.IssueStaticToken(integration);

        var error = await Assert.ThrowsAsync<InstallationUnavailableException>(() =>
            Service<InstallationApi>().GetInstallationAsync(integration.Uuid, TestContext.Current.CancellationToken));

        Assert.Contains("Sentry:InternalIntegration:Token", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Sentry.CountRequests("POST", "/authorizations/"));
    }
}
