using System.Collections.Concurrent;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Realtime;
using Portal.StacktraceLinks;
using Portal.Tenancy;
using Portal.Tickets;

namespace Portal.IntegrationTests.Tenancy;

/// <summary>
/// Organizations are who Sentry says they are by id: an owner renames a slug, and a freed slug can be taken by
/// another organization. Neither may move data from one organization to another.
/// </summary>
public sealed class OrganizationIdentityTests : SignInTestHost
{
    private const long Victim = 42;
    private const long Impostor = 999;

    private static readonly string[] Pages = ["/", "/tickets", "/code-mappings", "/installations", "/service-hooks", "/overview"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_whose_organization_took_a_freed_slug_sees_and_changes_nothing_of_the_organization_that_had_it()
    {
        var victim = await InstallAsync("victim-org", Victim);
        var delivery = await DeliverIssueAsync(victim, "500000001");
        var (ticket, _) = await Service<TicketLinking>().CreateForIssueAsync(
            new TicketDraft("Victim's confidential incident", "", TicketPriority.High, null, null),
            new LinkedIssue(Victim, 500000001, victim.Uuid, "front-end", null, "Victor"), Cancel);
        Assert.Null(await Service<CodeMappingDirectory>().AddAsync(AccessScope.Everything,
            new CodeMappingDraft(Victim, null, "app:///", "", "https://github.com/victim/private/blob/main/{path}"), "Victor", Cancel));
        var mapping = (await Service<CodeMappingDirectory>().ListAsync(AccessScope.Everything, Cancel)).Single().Id;

        // In Sentry the victim renamed away and another organization took the slug; that organization installs too.
        victim.OrganizationSlug = "acme-new";
        var impostor = await InstallAsync("victim-org", Impostor);
        var mallory = await SignInAsync(Sentry.AddMember(7001, "Mallory", new FakeMembership(Impostor, "victim-org", "owner")));

        var pages = string.Concat(await Task.WhenAll(Pages.Select(page => mallory.Browser.GetStringAsync(page, Cancel))));
        Assert.DoesNotContain($"/deliveries/{delivery.Id}\"", pages, StringComparison.Ordinal);
        Assert.DoesNotContain("Victim's confidential incident", pages, StringComparison.Ordinal);
        Assert.DoesNotContain("github.com/victim/private", pages, StringComparison.Ordinal);
        Assert.DoesNotContain(victim.Uuid.ToString(), pages, StringComparison.Ordinal);
        Assert.Contains(impostor.Uuid.ToString(), pages, StringComparison.Ordinal);
        Assert.Contains("There is no delivery", await mallory.Browser.GetStringAsync($"/deliveries/{delivery.Id}", Cancel), StringComparison.Ordinal);
        Assert.Contains("ticket-missing", await mallory.Browser.GetStringAsync($"/tickets/{ticket.Id}", Cancel), StringComparison.Ordinal);

        var scope = await Service<PortalAccess>().ScopeOfAsync(await PrincipalOfAsync(mallory.Cookie), Cancel);
        Assert.Equal([Impostor], scope.OrganizationIds);
        Assert.False(await Service<TicketEdits>().UpdateAsync(ticket.Id, scope, TicketStatus.Resolved, TicketPriority.Low, null, Cancel));
        Assert.Null(await Service<TicketEdits>().AddCommentAsync(ticket.Id, scope, "mine now", "Mallory", Cancel));
        Assert.False(await Service<DeliveryDetails>().ReplayAsync(delivery.Id, scope, Cancel));
        Assert.False(await Service<CodeMappingDirectory>().DeleteAsync(scope, mapping, Cancel));
        Assert.NotNull(await Service<CodeMappingDirectory>().AddAsync(scope, new CodeMappingDraft(Victim, null, "", "", "https://github.com/x/y/blob/main/{path}"), "Mallory", Cancel));

        var heard = new ConcurrentQueue<DeliverySummary>();
        await using var hub = await SubscribeAsync(mallory.Cookie, heard);
        var victims = await DeliverIssueAsync(victim, "500000002");
        var own = await DeliverIssueAsync(impostor, "500000003");
        await Eventually.TrueAsync(() => Task.FromResult(heard.Any(s => s.Id == own.Id && s.State == DeliveryState.Processed)), "the impostor's own delivery on the hub");
        Assert.DoesNotContain(heard, s => s.Id == victims.Id || s.OrganizationId == Victim);

        await using var db = Portal.OpenDatabase();
        var stored = db.Tickets.Single(t => t.Id == ticket.Id);
        Assert.Equal((TicketStatus.Open, TicketPriority.High, Victim), (stored.Status, stored.Priority, stored.OrganizationId));
        Assert.Empty(db.TicketComments);
        Assert.False((await Portal.FindDeliveryAsync(SampleBodyOf(delivery)))!.Flags.HasFlag(DeliveryFlags.Replay));
    }

    [Fact]
    public async Task After_a_rename_the_organizations_members_still_see_everything_under_the_new_slug()
    {
        var acme = await InstallAsync("acme", Victim);
        var delivery = await DeliverIssueAsync(acme, "600000001");
        var (ticket, _) = await Service<TicketLinking>().CreateForIssueAsync(
            new TicketDraft("Checkout crash", "", TicketPriority.High, null, null),
            new LinkedIssue(Victim, 600000001, acme.Uuid, "front-end", null, "Jane"), Cancel);

        acme.OrganizationSlug = "acme-new";
        var jane = await SignInAsync(Sentry.AddMember(7002, "Jane Doe", new FakeMembership(Victim, "acme-new", "member")));

        Assert.Equal("acme-new", await Portal.OrganizationSlugAsync(Victim));
        var deliveries = await jane.Browser.GetStringAsync("/", Cancel);
        Assert.Contains($"/deliveries/{delivery.Id}\"", deliveries, StringComparison.Ordinal);
        Assert.Contains(">acme-new<", deliveries, StringComparison.Ordinal);
        Assert.DoesNotContain(">acme<", deliveries, StringComparison.Ordinal);
        var tickets = await jane.Browser.GetStringAsync("/tickets", Cancel);
        Assert.Contains("Checkout crash", tickets, StringComparison.Ordinal);
        Assert.Contains("acme-new", tickets, StringComparison.Ordinal);
        Assert.Contains("Checkout crash", await jane.Browser.GetStringAsync($"/tickets/{ticket.Id}", Cancel), StringComparison.Ordinal);
        var scope = await Service<PortalAccess>().ScopeOfAsync(await PrincipalOfAsync(jane.Cookie), Cancel);
        Assert.True(scope.Includes(Victim));
    }

    [Fact]
    public async Task A_signed_installation_webhook_renames_the_organization_and_replaying_an_older_one_does_not_rename_it_back()
    {
        var acme = await InstallAsync("acme", Victim);
        var older = InstallationWebhook(acme, "created", code: null);
        acme.OrganizationSlug = "acme-new";
        var renamed = InstallationWebhook(acme, "created", code: null);

        using (await SendWebhookAsync(older))
        {
            await Portal.ProcessedDeliveryAsync(older);
        }

        Time.Advance(TimeSpan.FromMinutes(5));
        using (await SendWebhookAsync(renamed))
        {
            await Portal.ProcessedDeliveryAsync(renamed);
        }

        var replayed = (await Portal.FindDeliveryAsync(older))!;
        Assert.True(await Service<DeliveryDetails>().ReplayAsync(replayed.Id, AccessScope.Everything, Cancel));
        await Eventually.TrueAsync(async () => (await Portal.FindDeliveryAsync(older))!.Attempts == 1 && (await Portal.FindDeliveryAsync(older))!.State == DeliveryState.Processed, "the replay");

        Assert.Equal("acme-new", await Portal.OrganizationSlugAsync(Victim));
    }

    [Fact]
    public async Task A_members_role_decides_what_they_may_change()
    {
        await InstallAsync("acme", Victim);
        var member = await SignInAsync(Sentry.AddMember(7003, "Mo Member", new FakeMembership(Victim, "acme", "member")));
        var manager = await SignInAsync(Sentry.AddMember(7004, "Mia Manager", new FakeMembership(Victim, "acme", "manager")));

        var memberScope = await Service<PortalAccess>().ScopeOfAsync(await PrincipalOfAsync(member.Cookie), Cancel);
        var managerScope = await Service<PortalAccess>().ScopeOfAsync(await PrincipalOfAsync(manager.Cookie), Cancel);

        Assert.True(memberScope.Includes(Victim));
        Assert.False(memberScope.CanManage(Victim));
        Assert.True(managerScope.CanManage(Victim));
        Assert.Contains(Sentry.Requests, r => r.Path == $"/api/0/organizations/{Victim}/members/me/");
        Assert.Contains("data-testid=\"managers-only\"", await member.Browser.GetStringAsync("/code-mappings", Cancel), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"managers-only\"", await manager.Browser.GetStringAsync("/code-mappings", Cancel), StringComparison.Ordinal);
    }

    private static byte[] SampleBodyOf(WebhookDelivery delivery) => delivery.Body;
}
