using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Tenancy;
using Portal.Tickets;

namespace Portal.IntegrationTests.Tickets;

/// <summary>
/// Two-way sync between tickets and linked Sentry issues, against the real host, real SQLite and the fake
/// Sentry: webhooks in any order and any number end in Sentry's state, the portal's changes reach Sentry, and
/// Sentry's echo of them does not loop.
/// </summary>
public sealed class TicketSyncTests : InstallationTestHost
{
    private const long IssueId = 1170820242;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Out_of_order_and_repeated_status_webhooks_end_in_the_state_Sentry_has()
    {
        var (installation, issue, ticketId) = await LinkedTicketAsync();
        issue.Status = "resolved";

        await DeliverAsync(installation, "issue", IssueWebhook(installation, "resolved", "resolved"), at: 200);
        await DeliverAsync(installation, "issue", IssueWebhook(installation, "unresolved", "unresolved"), at: 100);
        await DeliverAsync(installation, "issue", IssueWebhook(installation, "unresolved", "unresolved") + " ", at: 100);

        Assert.Equal(TicketStatus.Resolved, (await TicketAsync(ticketId)).Status);

        issue.Status = "unresolved";
        await DeliverAsync(installation, "issue", IssueWebhook(installation, "resolved", "resolved") + "  ", at: 200);
        await DeliverAsync(installation, "issue", IssueWebhook(installation, "unresolved", "unresolved") + "   ", at: 300);

        Assert.Equal(TicketStatus.Open, (await TicketAsync(ticketId)).Status);
    }

    [Fact]
    public async Task When_Sentry_cannot_be_asked_the_newest_webhook_wins_and_an_older_one_changes_nothing()
    {
        var (installation, _, ticketId) = await LinkedTicketAsync();
        Sentry.Down = true;

        await DeliverAsync(installation, "issue", IssueWebhook(installation, "ignored", "ignored"), at: Now + 20);
        await DeliverAsync(installation, "issue", IssueWebhook(installation, "resolved", "resolved"), at: Now + 10);
        Assert.Equal(TicketStatus.Ignored, (await TicketAsync(ticketId)).Status);

        await DeliverAsync(installation, "issue", IssueWebhook(installation, "unresolved", "unresolved"), at: Now + 30);
        Assert.Equal(TicketStatus.Open, (await TicketAsync(ticketId)).Status);
    }

    [Fact]
    public async Task Assigning_the_issue_in_Sentry_assigns_the_ticket_and_offers_that_person_as_an_assignee()
    {
        var (installation, issue, ticketId) = await LinkedTicketAsync();
        issue.AssignedTo = (7, "Bob Builder");

        await DeliverAsync(installation, "issue", IssueWebhook(installation, "assigned", "unresolved",
            "\"assignee\":{\"type\":\"user\",\"name\":\"Bob Builder\",\"id\":7,\"email\":\"bob@example.com\"},"), at: Now);

        var ticket = await TicketAsync(ticketId);
        Assert.Equal(("7", "Bob Builder"), (ticket.AssigneeId, ticket.AssigneeName));
        await using var db = Portal.OpenDatabase();
        Assert.Contains(await db.OrganizationPeople.ToListAsync(Cancel), p => p.SentryUserId == "7" && p.OrganizationId == installation.OrganizationId);
    }

    [Fact]
    public async Task Resolving_the_ticket_resolves_the_issue_in_Sentry_and_the_echo_does_not_loop()
    {
        var (installation, issue, ticketId) = await LinkedTicketAsync();

        Assert.True(await Service<TicketEdits>().UpdateAsync(ticketId, AccessScope.Everything, TicketStatus.Resolved, TicketPriority.High, null, Cancel));
        Assert.Null(await Service<IssueSync>().PushStatusAsync(ticketId, Cancel));

        Assert.Equal("resolved", issue.Status);
        var put = Assert.Single(Sentry.Requests, r => r.Method == "PUT" && r.Path.EndsWith($"/issues/{IssueId}/", StringComparison.Ordinal));
        Assert.Equal("""{"status":"resolved"}""", put.Body);
        // By the organization's id, which a rename cannot break.
        Assert.StartsWith($"/api/0/organizations/{installation.OrganizationId}/issues/", put.Path, StringComparison.Ordinal);

        // Sentry's webhook for our own change, with the app as actor.
        await DeliverAsync(installation, "issue", IssueWebhook(installation, "resolved", "resolved", actor: """{"type":"application","id":"2ebf071f","name":"Acme Portal"}"""), at: Now + 1);

        Assert.Equal(TicketStatus.Resolved, (await TicketAsync(ticketId)).Status);
        Assert.Single(Sentry.Requests, r => r.Method == "PUT" && r.Path.Contains("/issues/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_push_is_shown_on_the_ticket_and_Sentrys_older_word_does_not_undo_the_admins_change()
    {
        var (installation, issue, ticketId) = await LinkedTicketAsync();
        Sentry.Down = true;
        await Service<TicketEdits>().UpdateAsync(ticketId, AccessScope.Everything, TicketStatus.Resolved, TicketPriority.Medium, null, Cancel);

        var error = await Service<IssueSync>().PushStatusAsync(ticketId, Cancel);

        Assert.NotNull(error);
        Assert.Equal(error, (await TicketAsync(ticketId)).SentrySyncError);
        Sentry.Down = false;
        await DeliverAsync(installation, "issue", IssueWebhook(installation, "unresolved", "unresolved"), at: Now + 5);
        Assert.Equal(TicketStatus.Resolved, (await TicketAsync(ticketId)).Status);

        Assert.Null(await Service<IssueSync>().PushStatusAsync(ticketId, Cancel));
        Assert.Equal("resolved", issue.Status);
        Assert.Null((await TicketAsync(ticketId)).SentrySyncError);
    }

    [Fact]
    public async Task Sentry_comments_are_mirrored_once_edits_keep_the_newest_text_and_deletion_is_final()
    {
        var (installation, _, ticketId) = await LinkedTicketAsync();

        await DeliverAsync(installation, "comment", CommentWebhook(installation, "created", 900, "first words"), at: Now);
        await DeliverAsync(installation, "comment", CommentWebhook(installation, "created", 900, "first words") + " ", at: Now);
        await DeliverAsync(installation, "comment", CommentWebhook(installation, "updated", 900, "second words"), at: Now + 20);
        await DeliverAsync(installation, "comment", CommentWebhook(installation, "updated", 900, "stale words"), at: Now + 10);
        Assert.Equal("second words", Assert.Single(await CommentsAsync(ticketId)).Text);

        await DeliverAsync(installation, "comment", CommentWebhook(installation, "deleted", 900, "second words"), at: Now + 30);
        await DeliverAsync(installation, "comment", CommentWebhook(installation, "updated", 900, "zombie words"), at: Now + 40);

        var comment = Assert.Single(await CommentsAsync(ticketId));
        Assert.NotNull(comment.DeletedAt);
        Assert.Equal("second words", comment.Text);
    }

    [Fact]
    public async Task A_portal_comment_is_posted_to_Sentry_and_its_echo_is_not_mirrored_back()
    {
        var (installation, issue, ticketId) = await LinkedTicketAsync();
        var commentId = await Service<TicketEdits>().AddCommentAsync(ticketId, AccessScope.Everything, "Fixed in 4.2.1", "Jane Doe", Cancel);

        Assert.Null(await Service<IssueSync>().PushCommentAsync(ticketId, commentId!.Value, Cancel));

        var (sentryId, text) = Assert.Single(issue.Comments);
        Assert.Equal("Fixed in 4.2.1\n\n— Jane Doe, PORTAL#1", text);
        await DeliverAsync(installation, "comment", CommentWebhook(installation, "created", sentryId, text, application: true), at: Now + 1);

        var comment = Assert.Single(await CommentsAsync(ticketId));
        Assert.Equal(sentryId, comment.SentryCommentId);
        Assert.True(comment.FromPortal);
    }

    [Fact]
    public async Task A_link_made_in_the_portal_is_registered_in_Sentrys_sidebar()
    {
        var installation = await InstallAsync("acme");
        var issue = Sentry.AddIssue("acme", 42_000_001, "ACME-7", status: "ignored");
        var ticketId = await Service<TicketLinking>().CreateForIssueAsync(
            new TicketDraft("From the portal", "", TicketPriority.Low, null, null),
            new LinkedIssue(installation.OrganizationId, 99, installation.Uuid, null, null, "Jane"), Cancel) is var (ticket, _) ? ticket.Id : 0;

        var error = await Service<IssueSync>().LinkFromPortalAsync(ticketId, issue.Id, "Jane", new Uri("https://portal.example/"), Cancel);

        Assert.Null(error);
        var registered = Assert.Single(Sentry.ExternalIssues);
        Assert.Equal(issue.Id, registered.GetProperty("issueId").GetInt64());
        Assert.Equal($"https://portal.example/tickets/{ticketId}", registered.GetProperty("webUrl").GetString());
        Assert.Equal("PORTAL", registered.GetProperty("project").GetString());
        Assert.Equal("1", registered.GetProperty("identifier").GetString());
        await using var db = Portal.OpenDatabase();
        var link = await db.IssueLinks.SingleAsync(l => l.SentryIssueId == issue.Id, Cancel);
        Assert.Equal(("ACME-7", "ignored"), (link.ShortId, link.SentryStatus));
        Assert.NotNull(link.RegisteredWithSentryAt);

        var missing = await Service<IssueSync>().LinkFromPortalAsync(ticketId, 5, "Jane", new Uri("https://portal.example/"), Cancel);
        Assert.Equal("Sentry has no issue 5 in acme.", missing);
    }

    private long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    // The modal's create, through the real endpoint, for an issue the fake Sentry knows.
    private async Task<(FakeInstallation Installation, FakeIssue Issue, int TicketId)> LinkedTicketAsync()
    {
        var installation = await InstallAsync("acme");
        var issue = Sentry.AddIssue("acme", IssueId, "FRONT-END-9");
        var body = Encoding.UTF8.GetBytes(
            $$$"""{"fields":{"title":"ZeroDivisionError","priority":"high"},"issueId":{{{IssueId}}},"installationId":"{{{installation.Uuid}}}","webUrl":"https://acme.sentry.io/issues/{{{IssueId}}}/","project":{"slug":"front-end","id":1},"actor":{"type":"user","id":1,"name":"Jane Doe"}}""");
        using var response = await Portal.CreateClient().SendAsync(SignedRequests.UiComponent("/sentry/issue-link/create", body), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = Portal.OpenDatabase();
        return (installation, issue, await db.Tickets.Select(t => t.Id).SingleAsync(Cancel));
    }

    private static string IssueWebhook(FakeInstallation installation, string action, string status, string extra = "", string actor = """{"type":"user","id":1,"name":"Jane Doe"}""") =>
        "{\"action\":\"" + action + "\",\"installation\":{\"uuid\":\"" + installation.Uuid + "\"},\"data\":{" + extra
        + "\"issue\":{\"id\":\"" + IssueId + "\",\"shortId\":\"FRONT-END-9\",\"status\":\"" + status
        + "\",\"statusDetails\":{},\"project\":{\"id\":\"1\",\"name\":\"front-end\",\"slug\":\"front-end\",\"platform\":\"python\"}}},\"actor\":" + actor + "}";

    private static string CommentWebhook(FakeInstallation installation, string action, long commentId, string text, bool application = false) =>
        "{\"action\":\"" + action + "\",\"installation\":{\"uuid\":\"" + installation.Uuid + "\"},\"data\":{\"comment_id\":" + commentId
        + ",\"issue_id\":" + IssueId + ",\"project_slug\":\"front-end\",\"timestamp\":\"2026-11-27T08:00:00.000000Z\",\"comment\":" + JsonSerializer.Serialize(text)
        + "},\"actor\":" + (application ? """{"type":"application","id":"2ebf071f","name":"Acme Portal"}""" : """{"type":"user","id":1,"name":"Jane Doe"}""") + "}";

    private async Task DeliverAsync(FakeInstallation installation, string resource, string json, long at)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var request = SignedRequests.Webhook(resource, body, FakeSentry.ClientSecret, timestamp: at.ToString(CultureInfo.InvariantCulture));
        using var response = await Portal.CreateClient().SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Portal.ProcessedDeliveryAsync(body);
    }

    private async Task<Ticket> TicketAsync(int id)
    {
        await using var db = Portal.OpenDatabase();
        return await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == id, Cancel);
    }

    private async Task<List<TicketComment>> CommentsAsync(int ticketId)
    {
        await using var db = Portal.OpenDatabase();
        return await db.TicketComments.AsNoTracking().Where(c => c.TicketId == ticketId).ToListAsync(Cancel);
    }
}
