using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.SentryPlatform.Payloads;
using Portal.Tests.TestSupport;
using Portal.Tickets;

namespace Portal.Tests.Tickets;

public sealed class SentryMirrorTests() : PortalComponentTest(TicketServices.Add)
{
    private const long IssueId = 1170820242;
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_newest_word_from_Sentry_decides_the_tickets_status_whatever_the_order()
    {
        var ticket = await LinkedTicketAsync();
        var mirror = Services.GetRequiredService<SentryMirror>();

        await mirror.ApplySentryIssueAsync(TestOrganizationId, Issue("resolved"), Noon.AddMinutes(2), Cancel);
        var older = await mirror.ApplySentryIssueAsync(TestOrganizationId, Issue("unresolved"), Noon.AddMinutes(1), Cancel);

        Assert.Null(older);
        Assert.Equal(TicketStatus.Resolved, Status(ticket.Id));
    }

    [Fact]
    public async Task An_assignment_in_Sentry_assigns_the_ticket_and_makes_the_person_an_assignee_choice()
    {
        var ticket = await LinkedTicketAsync();

        await Services.GetRequiredService<SentryMirror>().ApplySentryIssueAsync(
            TestOrganizationId, Issue("unresolved") with { Assignee = new SentryAssignee("user", "9", "Bob Builder") }, Noon, Cancel);

        using var db = OpenDatabase();
        Assert.Equal("Bob Builder", db.Tickets.Single(t => t.Id == ticket.Id).AssigneeName);
        Assert.Contains(db.OrganizationPeople, p => p.SentryUserId == "9");
    }

    [Fact]
    public async Task A_comment_the_portal_posted_comes_back_from_Sentry_as_the_same_comment_not_a_copy()
    {
        var ticket = await LinkedTicketAsync();
        var commentId = await Services.GetRequiredService<TicketEdits>().AddCommentAsync(ticket.Id, Portal.Tenancy.AccessScope.Everything, "Deployed a fix", "Jane", Cancel);

        var mirrored = await Services.GetRequiredService<SentryMirror>().ApplySentryCommentAsync(TestOrganizationId,
            new SentryComment(SentryCommentAction.Created, 5001, IssueId, "Deployed a fix" + IssueSync.Signature + "Jane, PORTAL#1", "Acme Portal", ByApplication: true, Noon), Noon, Cancel);

        Assert.False(mirrored);
        using var db = OpenDatabase();
        var comment = Assert.Single(db.TicketComments);
        Assert.Equal((commentId, (long?)5001), (comment.Id, comment.SentryCommentId));
    }

    [Fact]
    public async Task A_deleted_comment_stays_deleted_whatever_update_arrives_later()
    {
        await LinkedTicketAsync();
        var mirror = Services.GetRequiredService<SentryMirror>();

        await mirror.ApplySentryCommentAsync(TestOrganizationId, Comment(SentryCommentAction.Created, "first words"), Noon, Cancel);
        await mirror.ApplySentryCommentAsync(TestOrganizationId, Comment(SentryCommentAction.Deleted, "first words"), Noon.AddMinutes(2), Cancel);
        var late = await mirror.ApplySentryCommentAsync(TestOrganizationId, Comment(SentryCommentAction.Updated, "edited words"), Noon.AddMinutes(1), Cancel);

        Assert.False(late);
        using var db = OpenDatabase();
        var comment = Assert.Single(db.TicketComments);
        Assert.NotNull(comment.DeletedAt);
        Assert.Equal("first words", comment.Text);
    }

    private async Task<Ticket> LinkedTicketAsync() =>
        (await Services.GetRequiredService<TicketLinking>().CreateForIssueAsync(
            new TicketDraft("Checkout crash", "", TicketPriority.High, null, null),
            new LinkedIssue(TestOrganizationId, IssueId, Guid.NewGuid(), "front-end", null, "Jane"), Cancel)).Ticket;

    private static SentryIssue Issue(string status) => new(IssueId, status, "FRONT-END-9", "front-end", null, null);

    private static SentryComment Comment(SentryCommentAction action, string text) => new(action, 4001, IssueId, text, "colleen", ByApplication: false, Noon);

    private TicketStatus Status(int ticketId)
    {
        using var db = OpenDatabase();
        return db.Tickets.Single(t => t.Id == ticketId).Status;
    }
}
