using Portal.Installations;
using Portal.SentryPlatform.Payloads;
using Portal.Webhooks;

namespace Portal.Tickets;

/// <summary><c>comment.*</c>: comments on a linked issue are mirrored on its ticket.</summary>
internal sealed class CommentWebhookHandler(SentryMirror tickets, InstallationOrganizations organizations) : IWebhookHandler
{
    public string Resource => WebhookCatalog.Comment;

    public async Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (webhook.InstallationUuid is not { } installation || SentryComment.From(webhook.Action, webhook.Root) is not { } comment)
        {
            return HandlerOutcome.Done;
        }

        if (organizations.Find(installation) is not { } organization)
        {
            return HandlerOutcome.WithoutOrganization(organizations, installation);
        }

        await tickets.ApplySentryCommentAsync(organization, comment, TicketWebhookTime.Of(webhook), cancellationToken);
        return HandlerOutcome.Done;
    }
}
