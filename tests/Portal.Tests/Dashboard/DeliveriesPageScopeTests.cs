using System.Security.Claims;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.SignIn;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

public sealed class DeliveriesPageScopeTests : PortalComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_member_sees_only_their_organizations_from_the_database_and_from_the_live_stream()
    {
        using (var db = OpenDatabase())
        {
            db.Installations.Add(new Installation { Uuid = Guid.NewGuid(), AppSlug = "acme-portal", OrganizationSlug = "acme", Status = InstallationStatus.Installed, InstalledAt = DateTimeOffset.UtcNow });
            db.SaveChanges();
        }

        Store(InOrganization("acme", "acme stored"), InOrganization("globex", "globex stored"), InOrganization(null, "orphan stored"));
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, "123"), new Claim(SentryClaimTypes.Organization, "acme"), new Claim(SentryClaimTypes.Organization, "globex"));
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<DeliveriesPage>();
        cut.WaitForAssertion(() => Assert.Contains("Live", cut.Find("[data-testid=live-status]").TextContent, StringComparison.Ordinal), Patience);
        Publisher.Publish(Summary(70, "acme", "acme live"));
        Publisher.Publish(Summary(71, "globex", "globex live"));
        Publisher.Publish(Summary(72, null, "orphan live"));

        cut.WaitForAssertion(() => Assert.Contains("acme live", cut.Markup, StringComparison.Ordinal), Patience);
        Assert.Contains("acme stored", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("globex", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("orphan", cut.Markup, StringComparison.Ordinal);
    }

    private static WebhookDelivery InOrganization(string? organization, string summary)
    {
        var delivery = Delivery("issue", "created", summary);
        delivery.OrganizationSlug = organization;
        return delivery;
    }

    private static DeliverySummary Summary(long id, string? organization, string text) =>
        new(id, DeliverySummaryKind.StateChanged, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "issue", "created", null, organization, [], "Processed", 1, text, null);
}
