using System.Net;
using System.Text;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Webhooks;

/// <summary>
/// What a processed delivery says about itself is true when it is read: which organization it belongs to, whether
/// its installation was unknown (orphan) or uninstalled, and whether it ended in something a person must act on.
/// </summary>
public sealed class DeliveryOutcomeTests : InstallationTestHost
{
    [Fact]
    public async Task Deliveries_right_after_an_installation_created_whose_exchange_is_still_retrying_are_not_orphans()
    {
        var installation = Sentry.AddInstallation("orbit-org");
        var install = InstallationWebhook(installation, "created", Sentry.IssueGrant(installation));
        var comment = SampleFor(installation, "webhook.comment.created.json", "700000001");
        var error = SampleFor(installation, "webhook.error.created.json", "700000002");
        Sentry.Down = true;

        await SendDeliveryAsync("installation", install);
        await SendDeliveryAsync("comment", comment);
        await SendDeliveryAsync("error", error);

        await Portal.ProcessedDeliveryAsync(install, DeliveryState.Retrying);
        foreach (var body in new[] { comment, error })
        {
            var delivery = await Portal.ProcessedDeliveryAsync(body);
            Assert.False(delivery.Flags.HasFlag(DeliveryFlags.Orphan));
            Assert.Equal(installation.OrganizationId, delivery.OrganizationId);
        }
    }

    [Fact]
    public async Task A_delivery_processed_before_its_installation_was_known_stops_being_an_orphan_once_it_is()
    {
        var installation = Sentry.AddInstallation("late-org");
        var early = SampleFor(installation, "webhook.issue.created.json", "700000003");
        await SendDeliveryAsync("issue", early);
        var orphan = await Portal.ProcessedDeliveryAsync(early);
        Assert.True(orphan.Flags.HasFlag(DeliveryFlags.Orphan));
        Assert.Null(orphan.OrganizationId);

        await SendDeliveryAsync("installation", InstallationWebhook(installation, "created", Sentry.IssueGrant(installation)));

        await Eventually.TrueAsync(async () => (await Portal.FindDeliveryAsync(early)) is { OrganizationId: not null } mended
            && !mended.Flags.HasFlag(DeliveryFlags.Orphan), "the earlier delivery to name its organization and lose the orphan flag");
        Assert.Equal(installation.OrganizationId, (await Portal.FindDeliveryAsync(early))!.OrganizationId);
    }

    [Fact]
    public async Task Deliveries_about_an_uninstalled_installation_are_flagged_as_such()
    {
        var installation = await InstallAsync("gone-org");
        var uninstall = InstallationWebhook(installation, "deleted", code: null);
        await SendDeliveryAsync("installation", uninstall);
        var deleted = await Portal.ProcessedDeliveryAsync(uninstall);
        var after = SampleFor(installation, "webhook.issue.resolved.json", "700000004");

        await SendDeliveryAsync("issue", after);

        var delivery = await Portal.ProcessedDeliveryAsync(after);
        Assert.True(delivery.Flags.HasFlag(DeliveryFlags.Uninstalled));
        Assert.False(deleted.Flags.HasFlag(DeliveryFlags.Uninstalled));
        Assert.Equal(installation.OrganizationId, delivery.OrganizationId);
    }

    [Fact]
    public async Task A_verification_that_failed_before_installation_created_keys_nothing_on_an_unknown_organization()
    {
        var installation = Sentry.AddInstallation("unconfirmed-org");
        Sentry.VerificationsToRefuse = 1;
        using (var setup = await OpenSetupLinkAsync(installation, Sentry.IssueGrant(installation)))
        {
            Assert.Equal(HttpStatusCode.BadGateway, setup.StatusCode);
        }

        Assert.Null((await FindInstallationAsync(installation.Uuid))!.OrganizationId);
        using (var refused = await CreateTicketAsync(installation))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("still confirming this installation", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        await using (var db = Portal.OpenDatabase())
        {
            Assert.Empty(db.Tickets);
        }

        // Sentry's signed word arrives (a retried installation.created, its code spent): now the organization is known.
        var retried = InstallationWebhook(installation, "created", code: null);
        await SendDeliveryAsync("installation", retried);
        await Portal.ProcessedDeliveryAsync(retried);
        using (var created = await CreateTicketAsync(installation))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        await using (var db = Portal.OpenDatabase())
        {
            Assert.Equal(installation.OrganizationId, db.Tickets.Single().OrganizationId);
        }
    }

    private Task<HttpResponseMessage> CreateTicketAsync(FakeInstallation installation)
    {
        var body = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "ui.issue-link.create.json")))
            .Replace(PortalWithSentryFactory.SampleInstallation, installation.Uuid.ToString(), StringComparison.Ordinal));
        return Portal.CreateClient().SendAsync(SignedRequests.UiComponent("/sentry/issue-link/create", body, FakeSentry.ClientSecret), TestContext.Current.CancellationToken);
    }
}
