using System.Globalization;
using System.Text.Json;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.SentryPlatform;
using Portal.Tickets;
using Portal.Webhooks;

namespace Portal.AlertRuleActions;

/// <summary><c>event_alert.triggered</c>: the rule's ticket for that issue is opened, or updated when it fires again.</summary>
internal sealed class EventAlertWebhookHandler(AlertTickets tickets, InstallationOrganizations organizations) : IWebhookHandler
{
    public string Resource => WebhookCatalog.EventAlert;

    public async Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var data = webhook.Data;
        if (webhook.Action != "triggered" || webhook.InstallationUuid is not { } installation
            || !data.TryGetProperty("event", out var sentryEvent)
            || !long.TryParse(sentryEvent.StringOf("issue_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var issueId))
        {
            return HandlerOutcome.Done;
        }

        if (organizations.Find(installation) is not { } organization)
        {
            return HandlerOutcome.WithoutOrganization(organizations, installation);
        }

        var alert = data.TryGetProperty("issue_alert", out var issueAlert) ? issueAlert : default;
        var ruleName = data.StringOf("triggered_rule") ?? alert.StringOf("title") ?? "an alert rule";
        var ruleKey = alert.ValueKind == JsonValueKind.Object && alert.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number
            ? id.GetRawText()
            : ruleName;
        var settings = AlertRuleSettings.From(alert.ValueKind == JsonValueKind.Object && alert.TryGetProperty("settings", out var s) ? s : default);
        var title = sentryEvent.StringOf("title") ?? $"Issue {issueId}";
        var webUrl = sentryEvent.StringOf("web_url");
        var description = $"{title}\n{sentryEvent.StringOf("culprit")}\n\nOpened by the Sentry alert rule “{ruleName}”.{(webUrl is null ? "" : $"\nEvent: {webUrl}")}";
        await tickets.ApplyAlertAsync(new AlertTicket(
            organization, "issue", ruleKey, issueId.ToString(CultureInfo.InvariantCulture), $"Alert rule “{ruleName}”", Resolved: false,
            ErrorText.Cut(settings.Title ?? title, Limits.TicketTitle), ErrorText.Cut(description, Limits.TicketDescription), settings.Priority ?? TicketPriority.High,
            settings.AssigneeId, new LinkedIssue(organization, issueId, installation, null, webUrl, $"Alert rule “{ruleName}”"),
            $"Fired again: {title}"), TicketWebhookTime.Of(webhook), cancellationToken);
        return HandlerOutcome.Done;
    }
}
