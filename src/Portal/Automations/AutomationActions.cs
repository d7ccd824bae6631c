using System.Globalization;
using System.Net;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.SentryPlatform;
using Portal.Tickets;
using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// Carries out a rule's actions on Sentry's issue (with the installation's token) and on the portal's tickets,
/// or says what it would do. A Sentry or installation failure is a failed action (the automation worker tries it
/// again on the delivery schedule); a delivery without an issue skips the issue actions, saying why.
/// </summary>
internal sealed class AutomationActions(InstallationApi installations, SentryApiClient sentry, TicketLinking tickets, DeliveryForwarder forwarder, CodeOwnersRouting codeOwners)
{
    public async Task<ActionResult> RunAsync(RuleAction action, AutomationRule rule, WebhookEvent webhook, EventFacts facts, long organizationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(facts);
        var ruleName = rule.Name;
        if (action.Kind == ActionKind.Stop)
        {
            return new ActionResult(action.Kind, ActionResult.Done, "the organization's later rules were not run on this delivery");
        }

        try
        {
            // A forward needs no Sentry issue: any delivery can go.
            if (action.Kind == ActionKind.Forward)
            {
                return await forwarder.ForwardAsync(rule, action, webhook, cancellationToken);
            }

            if (facts.IssueId is not { } issueId || webhook.InstallationUuid is not { } installation)
            {
                return new ActionResult(action.Kind, ActionResult.Skipped, "this delivery names no Sentry issue (or no installation) to act on");
            }

            return action.Kind switch
            {
                ActionKind.Comment => await CommentAsync(action, ruleName, facts, organizationId, issueId, installation, cancellationToken),
                ActionKind.Assign => await CallAsync(action, installation, (token, ct) => sentry.AssignIssueAsync(token, organizationId, issueId, action.Assignee!, ct),
                    $"assigned the issue to {action.Assignee}", cancellationToken),
                ActionKind.SetStatus => await CallAsync(action, installation, (token, ct) => sentry.UpdateIssueStatusAsync(token, organizationId, issueId, action.Value!, ct),
                    $"set the issue {action.Value}", cancellationToken),
                ActionKind.SetPriority => await CallAsync(action, installation, (token, ct) => sentry.SetIssuePriorityAsync(token, organizationId, issueId, action.Value!, ct),
                    $"set the issue's priority to {action.Value}", cancellationToken),
                ActionKind.RouteByCodeOwners => await RouteAsync(action, facts, organizationId, issueId, installation, cancellationToken),
                ActionKind.Ticket => await TicketAsync(action, ruleName, webhook, facts, organizationId, issueId, installation, cancellationToken),
                _ => new ActionResult(action.Kind, ActionResult.Skipped, "unknown action"),
            };
        }
        catch (SentryApiException exception) when (exception.StatusCode is { } status && (int)status is >= 400 and < 500
            && status is not (HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
        {
            // Sentry refused the request itself (the same comment twice within an hour, an unknown assignee): trying
            // again cannot help, so it is recorded, not retried until the delivery is dead.
            return new ActionResult(action.Kind, ActionResult.Skipped, ErrorText.Truncate($"Sentry refused it: {exception.Detail ?? exception.Message}"));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Anything else (Sentry down, a timeout, a storage error) fails the action, which the worker runs again on
            // the run's next attempt; escaping would leave the run "running" and its actions never retried.
            return new ActionResult(action.Kind, ActionResult.Failed, ErrorText.Truncate($"{exception.GetType().Name}: {exception.Message}"));
        }
    }

    /// <summary>What the action would do, for dry runs: no call, no write.</summary>
    public static ActionResult Describe(RuleAction action, string ruleName, EventFacts facts)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(facts);
        if (action.Kind is not (ActionKind.Stop or ActionKind.Forward) && facts.IssueId is null)
        {
            return new ActionResult(action.Kind, ActionResult.Skipped, "this delivery names no Sentry issue to act on");
        }

        var issue = facts.ShortId ?? $"issue {facts.IssueId}";
        var detail = action.Kind switch
        {
            ActionKind.Comment => $"comment on {issue}: \"{Shorten(RuleTemplate.Fill(action.Text!, facts, ruleName))}\"",
            ActionKind.Assign => $"assign {issue} to {action.Assignee}",
            ActionKind.SetStatus => $"set {issue} {action.Value}",
            ActionKind.SetPriority => $"set {issue}'s priority to {action.Value}",
            ActionKind.Ticket => $"create or find the ticket of {issue}: \"{Shorten(TicketTitle(action, ruleName, facts))}\"",
            ActionKind.Forward => $"forward the delivery to {ForwardDestinations.Redacted(action.Url)}, signed",
            ActionKind.RouteByCodeOwners => $"assign {issue} to the owner of its first in-app frame ({facts.FirstInAppPath() ?? "none"}) per CODEOWNERS",
            ActionKind.Stop => "stop: the organization's later rules would not run",
            _ => "unknown action",
        };
        return new ActionResult(action.Kind, ActionResult.Would, detail);
    }

    private async Task<ActionResult> CommentAsync(RuleAction action, string ruleName, EventFacts facts, long organizationId, long issueId, Guid installation, CancellationToken cancellationToken)
    {
        var text = RuleTemplate.Fill(action.Text!, facts, ruleName);
        if (text.Length > Limits.CommentText)
        {
            text = text[..Limits.CommentText];
        }

        await installations.CallAsync(installation, (token, ct) => sentry.AddCommentAsync(token, organizationId, issueId, text, ct), cancellationToken);
        return new ActionResult(action.Kind, ActionResult.Done, $"commented \"{Shorten(text)}\"");
    }

    private async Task<ActionResult> TicketAsync(
        RuleAction action, string ruleName, WebhookEvent webhook, EventFacts facts, long organizationId, long issueId, Guid installation, CancellationToken cancellationToken)
    {
        var priority = action.Value switch
        {
            "high" => TicketPriority.High,
            "low" => TicketPriority.Low,
            _ => TicketPriority.Medium,
        };
        var draft = new TicketDraft(TicketTitle(action, ruleName, facts), $"Created by the automation \"{ruleName}\" from delivery {webhook.Delivery.Id.ToString(CultureInfo.InvariantCulture)}.", priority,
            action.Assignee, action.Assignee);
        var issue = new LinkedIssue(organizationId, issueId, installation, facts.First("project"), null, $"automation: {ruleName}");
        var (ticket, created) = await tickets.CreateForIssueAsync(draft, issue, cancellationToken);
        var number = ticket.Number.ToString(CultureInfo.InvariantCulture);
        return new ActionResult(action.Kind, ActionResult.Done, created ? $"created ticket #{number}" : $"the issue already has ticket #{number}",
            $"/tickets/{ticket.Id.ToString(CultureInfo.InvariantCulture)}");
    }

    private async Task<ActionResult> RouteAsync(RuleAction action, EventFacts facts, long organizationId, long issueId, Guid installation, CancellationToken cancellationToken)
    {
        var (assignee, why) = await codeOwners.OwnerOfAsync(organizationId, facts, cancellationToken);
        return assignee is null
            ? new ActionResult(action.Kind, ActionResult.Skipped, $"not routed: {why}")
            : await CallAsync(action, installation, (token, ct) => sentry.AssignIssueAsync(token, organizationId, issueId, assignee, ct),
                $"assigned the issue to {assignee} ({why})", cancellationToken);
    }

    private async Task<ActionResult> CallAsync(RuleAction action, Guid installation, Func<string, CancellationToken, Task> call, string done, CancellationToken cancellationToken)
    {
        await installations.CallAsync(installation, async (token, ct) =>
        {
            await call(token, ct);
            return true;
        }, cancellationToken);
        return new ActionResult(action.Kind, ActionResult.Done, done);
    }

    private static string TicketTitle(RuleAction action, string ruleName, EventFacts facts)
    {
        var title = RuleTemplate.Fill(action.Title is { Length: > 0 } template ? template : "{issue.shortId} {event.title}", facts, ruleName).Trim();
        title = title.Length == 0 ? $"Sentry issue {facts.IssueId}" : title;
        return title.Length > Limits.TicketTitle ? title[..Limits.TicketTitle] : title;
    }

    private static string Shorten(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
