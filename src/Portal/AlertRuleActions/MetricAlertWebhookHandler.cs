using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.SentryPlatform;
using Portal.Tickets;
using Portal.Webhooks;

namespace Portal.AlertRuleActions;

/// <summary>
/// <c>metric_alert.critical|warning</c> (and the older <c>open</c>) open or update the ticket of that alert's
/// incident; <c>metric_alert.resolved</c> resolves it.
/// </summary>
internal sealed class MetricAlertWebhookHandler(
    AlertTickets tickets, InstallationOrganizations organizations, IDbContextFactory<PortalDbContext> dbFactory) : IWebhookHandler
{
    public string Resource => WebhookCatalog.MetricAlert;

    public async Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var data = webhook.Data;
        if (webhook.Action is not ("critical" or "warning" or "open" or "resolved") || webhook.InstallationUuid is not { } installation
            || !data.TryGetProperty("metric_alert", out var incident) || !incident.TryGetProperty("alert_rule", out var rule)
            || rule.StringOf("id") is not { } ruleId || incident.StringOf("identifier") is not { } identifier)
        {
            return HandlerOutcome.Done;
        }

        if (organizations.Find(installation) is not { } organization)
        {
            return HandlerOutcome.WithoutOrganization(organizations, installation);
        }

        var appId = await AppIdOfAsync(installation, cancellationToken);
        var settings = SettingsFor(rule, webhook.Action, appId);
        var ruleName = rule.StringOf("name") ?? "a metric alert";
        var headline = data.StringOf("description_title") ?? ruleName;
        var webUrl = data.StringOf("web_url");
        var description = $"{data.StringOf("description_text")}\n\nOpened by the Sentry metric alert “{ruleName}”.{(webUrl is null ? "" : $"\nAlert: {webUrl}")}";
        var priority = settings.Priority ?? (webhook.Action == "warning" ? TicketPriority.Medium : TicketPriority.High);
        await tickets.ApplyAlertAsync(new AlertTicket(
            organization, "metric", ruleId, identifier, $"Metric alert “{ruleName}”", Resolved: webhook.Action == "resolved",
            ErrorText.Cut(settings.Title ?? ruleName, Limits.TicketTitle), ErrorText.Cut(description, Limits.TicketDescription),
            priority, settings.AssigneeId, Issue: null, headline), TicketWebhookTime.Of(webhook), cancellationToken);
        return HandlerOutcome.Done;
    }

    private async Task<long?> AppIdOfAsync(Guid installation, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Installations.Where(i => i.Uuid == installation).Select(i => i.SentryAppId).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The portal's action among the rule's triggers, found as Sentry finds it: <c>type</c> "sentry_app" with
    /// <c>settings</c> (find_alert_rule_action_ui_component in src/sentry/sentry_apps/utils/webhooks.py). The payload
    /// is snake_cased throughout and carries no installation uuid, only <c>sentry_app_id</c>, which tells this app's
    /// action from another app's when the portal knows its own app id. The trigger of the firing level
    /// (<c>label</c> "critical" or "warning") is preferred, since each may say something else.
    /// </summary>
    internal static AlertRuleSettings SettingsFor(JsonElement rule, string? level, long? appId)
    {
        if (!rule.TryGetProperty("triggers", out var triggers) || triggers.ValueKind != JsonValueKind.Array)
        {
            return AlertRuleSettings.None;
        }

        JsonElement? chosen = null;
        foreach (var trigger in triggers.EnumerateArray())
        {
            if (!trigger.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var action in actions.EnumerateArray())
            {
                if (action.StringOf("type") != "sentry_app" || !action.TryGetProperty("settings", out var settings) || settings.ValueKind != JsonValueKind.Array
                    || (appId is { } own && action.IdOf("sentry_app_id") is { } actionApp && actionApp != own))
                {
                    continue;
                }

                if (trigger.StringOf("label") == level)
                {
                    return AlertRuleSettings.From(settings);
                }

                chosen ??= settings;
            }
        }

        return chosen is { } first ? AlertRuleSettings.From(first) : AlertRuleSettings.None;
    }
}
