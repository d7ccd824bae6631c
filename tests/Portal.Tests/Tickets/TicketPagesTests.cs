using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Tenancy;
using Portal.Tests.TestSupport;
using Portal.Tickets;

namespace Portal.Tests.Tickets;

public sealed class TicketPagesTests() : PortalComponentTest(services =>
{
    InstallationServices.Add(services);
    services.AddSingleton<TicketDirectory>();
    services.AddSingleton<TicketWriter>();
    services.AddSingleton<OrganizationPeople>();
    services.AddSingleton<TicketLinking>();
    services.AddSingleton<TicketEdits>();
    services.AddSingleton<SentryMirror>();
    services.AddSingleton<IssueSync>();
    services.AddOptions<Portal.Shell.PortalOptions>();
})
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public void The_list_shows_the_tickets_of_the_readers_organizations_only()
    {
        AddTicket(Acme, 1, "Acme checkout crash");
        AddTicket(Globex, 2, "Globex secret project");
        SignInAsMemberOf(Acme, "owner");
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<TicketsPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=tickets] tbody tr")), Patience);
        var row = Assert.Single(cut.FindAll("[data-testid=tickets] tbody tr"));
        Assert.Contains("PORTAL#1", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Acme checkout crash", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Globex", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ticket_page_shows_its_linked_issues_as_links_to_Sentry_and_its_text_inert()
    {
        var ticket = AddTicket(Acme, 17, "<script>window.__xss=1</script>", description: "line one\n<img src=x onerror=alert(1)>");
        AddLink(ticket, 1170820242, "FRONT-END-9", "https://acme.sentry.io/issues/1170820242/");
        AddLink(ticket, 42, null, "javascript:alert(1)");
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<TicketPage>(parameters => parameters.Add(p => p.Id, ticket.Id));

        cut.WaitForAssertion(() => Assert.Equal("<script>window.__xss=1</script>", cut.Find("[data-testid=ticket-title]").TextContent), Patience);
        Assert.Contains("<img src=x onerror=alert(1)>", cut.Find("[data-testid=ticket-description]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("script, img[onerror]"));
        var links = cut.FindAll("[data-testid=linked-issue]");
        Assert.Equal(2, links.Count);
        var sentry = Assert.Single(links[0].QuerySelectorAll("a"));
        Assert.Equal("https://acme.sentry.io/issues/1170820242/", sentry.GetAttribute("href"));
        Assert.Contains("noopener", sentry.GetAttribute("rel"), StringComparison.Ordinal);
        Assert.Equal("FRONT-END-9", sentry.TextContent.Trim());
        Assert.Empty(links[1].QuerySelectorAll("a"));
        Assert.Contains("Issue 42", links[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_organizations_ticket_is_not_shown()
    {
        var theirs = AddTicket(Globex, 5, "Globex secret project");
        SignInAsMemberOf(Acme, "owner");
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<TicketPage>(parameters => parameters.Add(p => p.Id, theirs.Id));

        cut.WaitForElement("[data-testid=ticket-missing]", Patience);
        Assert.DoesNotContain("Globex secret project", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_admin_comments_on_a_ticket_and_sees_the_comment()
    {
        var ticket = AddTicket(Acme, 3, "Slow checkout");
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<TicketPage>(parameters => parameters.Add(p => p.Id, ticket.Id));
        cut.WaitForElement("[data-testid=comment-add]", Patience);

        cut.Find("textarea[data-testid=comment-text], [data-testid=comment-text] textarea").Input("Deployed a fix; watching the error rate.");
        cut.Find("[data-testid=comment-add]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Deployed a fix; watching the error rate.", Assert.Single(cut.FindAll("[data-testid=comment]")).TextContent, StringComparison.Ordinal), Patience);
        using var db = OpenDatabase();
        Assert.Equal("Local developer", Assert.Single(db.TicketComments).Author);
    }

    [Fact]
    public async Task An_update_by_someone_outside_the_organization_changes_nothing()
    {
        var ticket = AddTicket(Globex, 9, "Globex work");
        var service = Services.GetRequiredService<TicketEdits>();
        var acmeManager = AccessScope.Managing(Acme);

        var updated = await service.UpdateAsync(ticket.Id, acmeManager, TicketStatus.Resolved, TicketPriority.High, null, TestContext.Current.CancellationToken);
        var commented = await service.AddCommentAsync(ticket.Id, acmeManager, "hello", "mallory", TestContext.Current.CancellationToken);

        Assert.False(updated);
        Assert.Null(commented);
        using var db = OpenDatabase();
        Assert.Equal(TicketStatus.Open, db.Tickets.Single().Status);
        Assert.Empty(db.TicketComments);
    }

    [Fact]
    public async Task A_member_whose_role_may_not_manage_integrations_works_the_ticket_but_changes_nothing_Sentry_sees()
    {
        var ticket = AddTicket(Acme, 4, "Checkout crash");
        SignInAsMemberOf(Acme, "member");
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<TicketPage>(parameters => parameters.Add(p => p.Id, ticket.Id));
        cut.WaitForElement("[data-testid=comment-add]", Patience);
        var service = Services.GetRequiredService<TicketEdits>();
        var member = AccessScope.Reading(Acme);

        var priority = await service.UpdateAsync(ticket.Id, member, TicketStatus.Open, TicketPriority.High, null, TestContext.Current.CancellationToken);
        var status = await service.UpdateAsync(ticket.Id, member, TicketStatus.Resolved, TicketPriority.High, null, TestContext.Current.CancellationToken);
        var comment = await service.AddCommentAsync(ticket.Id, member, "hello", "Jane", TestContext.Current.CancellationToken);

        Assert.True(priority);
        Assert.False(status);
        Assert.Null(comment);
        Assert.True(cut.Find("[data-testid=comment-add]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=link-issue]").HasAttribute("disabled"));
        using var db = OpenDatabase();
        var stored = db.Tickets.Single();
        Assert.Equal((TicketStatus.Open, TicketPriority.High), (stored.Status, stored.Priority));
        Assert.Empty(db.TicketComments);
    }

    private const long Acme = 42;
    private const long Globex = 43;

    private void SignInAsMemberOf(long organization, string role)
    {
        Install(organization, organization == Acme ? "acme" : "globex");
        SignInAsMember((organization, role));
    }

    private Ticket AddTicket(long organization, int number, string title, string description = "")
    {
        AddOrganization(organization, organization == Acme ? "acme" : "globex");
        using var db = OpenDatabase();
        var ticket = new Ticket
        {
            OrganizationId = organization, Number = number, Title = title, Description = description, CreatedBy = "test",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Tickets.Add(ticket);
        db.SaveChanges();
        return ticket;
    }

    private void AddLink(Ticket ticket, long issueId, string? shortId, string webUrl)
    {
        using var db = OpenDatabase();
        db.IssueLinks.Add(new IssueLink
        {
            TicketId = ticket.Id, OrganizationId = ticket.OrganizationId, SentryIssueId = issueId, InstallationUuid = Guid.NewGuid(),
            ShortId = shortId, ProjectSlug = "front-end", WebUrl = webUrl, LinkedBy = "Jane", LinkedAt = DateTimeOffset.UtcNow,
        });
        db.SaveChanges();
    }
}
