using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Tests.TestSupport;
using Portal.Tickets;

namespace Portal.Tests.Tickets;

public sealed class TicketLinkingTests() : PortalComponentTest(TicketServices.Add)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_for_an_issue_twice_gives_the_same_ticket_and_remembers_who_linked_it()
    {
        var linking = Services.GetRequiredService<TicketLinking>();

        var (first, created) = await linking.CreateForIssueAsync(Draft("Checkout crash"), Issue(1170820242), Cancel);
        var (second, createdAgain) = await linking.CreateForIssueAsync(Draft("Checkout crash, again"), Issue(1170820242), Cancel);

        Assert.Equal((true, false, first.Id), (created, createdAgain, second.Id));
        using var db = OpenDatabase();
        Assert.Equal("Checkout crash", db.Tickets.Single().Title);
        Assert.Equal(("7", "Jane Doe"), db.OrganizationPeople.AsEnumerable().Select(p => (p.SentryUserId, p.Name)).Single());
    }

    [Fact]
    public async Task Linking_an_issue_to_another_ticket_moves_the_link_and_an_unknown_number_links_nothing()
    {
        var linking = Services.GetRequiredService<TicketLinking>();
        var (first, _) = await linking.CreateForIssueAsync(Draft("First"), Issue(1), Cancel);
        var (second, _) = await linking.CreateForIssueAsync(Draft("Second"), Issue(2), Cancel);

        var moved = await linking.LinkIssueAsync(second.Number, Issue(1), Cancel);
        var nowhere = await linking.LinkIssueAsync(99, Issue(1), Cancel);

        Assert.Equal(second.Id, moved?.Id);
        Assert.Null(nowhere);
        using var db = OpenDatabase();
        Assert.Equal(second.Id, (await db.IssueLinks.SingleAsync(l => l.SentryIssueId == 1, Cancel)).TicketId);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Another_organizations_ticket_number_is_not_linked()
    {
        AddOrganization(43, "globex");
        var linking = Services.GetRequiredService<TicketLinking>();
        var (theirs, _) = await linking.CreateForIssueAsync(Draft("Globex work"), Issue(5) with { OrganizationId = 43 }, Cancel);

        Assert.Null(await linking.LinkIssueAsync(theirs.Number, Issue(6), Cancel));
    }

    private static TicketDraft Draft(string title) => new(title, "", TicketPriority.Medium, null, null);

    private static LinkedIssue Issue(long id) =>
        new(TestOrganizationId, id, Guid.Parse("a8e5d37a-696c-4c54-adb5-b3f28d64c7de"), "front-end", null, "Jane Doe", "7");
}
