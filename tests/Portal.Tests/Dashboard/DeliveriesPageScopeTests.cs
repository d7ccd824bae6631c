using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

public sealed class DeliveriesPageScopeTests : PortalComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public void A_member_sees_only_their_organizations_from_the_database_and_from_the_live_stream()
    {
        Install(Acme, "acme");
        AddOrganization(Globex, "globex");
        Store(InOrganization(Acme, "acme stored"), InOrganization(Globex, "globex stored"), InOrganization(null, "orphan stored"));
        SignInAsMember((Acme, "member"), (Globex, "member"));
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<DeliveriesPage>();
        cut.WaitForAssertion(() => Assert.Contains("Live", cut.Find("[data-testid=live-status]").TextContent, StringComparison.Ordinal), Patience);
        Publisher.Publish(Summary(70, Acme, "acme live"));
        Publisher.Publish(Summary(71, Globex, "globex live"));
        Publisher.Publish(Summary(72, null, "orphan live"));

        cut.WaitForAssertion(() => Assert.Contains("acme live", cut.Markup, StringComparison.Ordinal), Patience);
        Assert.Contains("acme stored", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("globex", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("orphan", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_of_an_organization_that_took_a_freed_slug_sees_nothing_of_the_organization_that_had_it()
    {
        Install(Acme, "victim-org");
        Store(InOrganization(Acme, "victim's delivery"));
        AddOrganization(Impostor, "acme-impostor");
        SignInAsMember((Impostor, "owner"));
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<DeliveriesPage>();
        Publisher.Publish(Summary(80, Acme, "victim's live delivery") with { OrganizationSlug = "victim-org" });

        Assert.DoesNotContain("victim", cut.Markup, StringComparison.Ordinal);
    }

    private const long Acme = 42;
    private const long Globex = 43;
    private const long Impostor = 999;

    private static WebhookDelivery InOrganization(long? organization, string summary)
    {
        var delivery = Delivery("issue", "created", summary);
        delivery.OrganizationId = organization;
        return delivery;
    }

    private static DeliverySummary Summary(long id, long? organization, string text) =>
        new(id, DeliverySummaryKind.StateChanged, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "issue", "created", null, organization, null, [], DeliveryState.Processed, 1, text, null);
}
