using Portal.Installations;
using Portal.SentryPlatform.Payloads;
using Portal.Webhooks;

namespace Portal.Tickets;

/// <summary><c>issue.*</c>: linked tickets follow the issue's status and assignee (resolved, ignored, unresolved, assigned).</summary>
internal sealed class IssueWebhookHandler(IssueSync sync, InstallationOrganizations organizations) : IWebhookHandler
{
    public string Resource => WebhookCatalog.Issue;

    public async Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (webhook.Action == "created" || webhook.InstallationUuid is not { } installation
            || !webhook.Data.TryGetProperty("issue", out var issueElement) || SentryIssue.From(issueElement) is not { } issue)
        {
            return HandlerOutcome.Done;
        }

        if (organizations.Find(installation) is not { } organization)
        {
            return HandlerOutcome.WithoutOrganization(organizations, installation);
        }

        // issue.assigned carries the assignee beside the issue; the legacy archived is today's ignored.
        if (webhook.Action == "assigned" && webhook.Data.TryGetProperty("assignee", out var assignee))
        {
            issue = issue with { Assignee = SentryAssignee.From(assignee) };
        }
        else if (webhook.Action == "archived")
        {
            issue = issue with { Status = "ignored" };
        }

        await sync.FollowIssueAsync(installation, organization, issue, TicketWebhookTime.Of(webhook), cancellationToken);
        return HandlerOutcome.Done;
    }
}
