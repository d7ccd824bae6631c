using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// Runs an organization's rules on each of its deliveries, in order, after the resource's handler. Every
/// evaluation is recorded (which rules matched and, for the others, the first condition that failed); a rule that
/// matches gets one <see cref="AutomationRun"/> per delivery, written before its first action, so its actions run at
/// most once whatever retries, replays, restarts or other instances do. Failed actions are tried again with the
/// delivery's next attempt; deliveries a Sentry App caused (the portal's own changes among them) run no rules.
/// </summary>
internal sealed partial class AutomationRunner(
    RuleBook rules,
    AutomationActions actions,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider time,
    ILogger<AutomationRunner> logger) : IDeliveryStep
{
    public static readonly TimeSpan LimitWindow = TimeSpan.FromMinutes(1);

    public async Task<string?> RunAsync(WebhookEvent webhook, long organizationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var compiled = await rules.ForAsync(organizationId, cancellationToken);
        if (compiled.Count == 0)
        {
            return null;
        }

        var facts = EventFacts.From(webhook.Resource, webhook.Action, webhook.Root);
        var verdicts = new List<RuleVerdict>(compiled.Count);
        var failures = new List<string>();
        if (CausedByAnApp(facts) is { } app)
        {
            verdicts.AddRange(compiled.Select(rule => new RuleVerdict(rule.Rule.Id, rule.Rule.Name, false,
                $"caused by the Sentry App {app} (this portal's own changes come back so); rules do not run on it, so they cannot loop")));
        }
        else
        {
            foreach (var rule in compiled)
            {
                var verdict = rule.Evaluate(facts);
                verdicts.Add(verdict);
                if (verdict.Matched && await RunRuleAsync(rule, webhook, facts, organizationId, failures, cancellationToken))
                {
                    break;
                }
            }
        }

        await RecordAsync(webhook.Delivery.Id, organizationId, verdicts, cancellationToken);
        return failures.Count == 0
            ? null
            : throw new AutomationActionsFailedException($"Automation actions failed (tried again with the next attempt): {string.Join("; ", failures)}");
    }

    // Whether a Sentry App caused the delivery: Sentry names the app receiving the webhook for any app's change
    // (sentry-contract.md §2.7), so this portal cannot tell its own changes from another app's. Sentry itself is "sentry".
    private static string? CausedByAnApp(EventFacts facts) =>
        facts.Actor.ValueKind == JsonValueKind.Object
        && facts.Actor.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "application"
        && facts.Actor.TryGetProperty("id", out var id) && !(id.ValueKind == JsonValueKind.String && id.GetString() == "sentry")
            ? facts.Actor.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : id.ToString()
            : null;

    /// <summary>Runs (or resumes) one matched rule; returns whether later rules must not run.</summary>
    private async Task<bool> RunRuleAsync(CompiledRule rule, WebhookEvent webhook, EventFacts facts, long organizationId, List<string> failures, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deliveryId = webhook.Delivery.Id;
        var run = await db.AutomationRuns.FirstOrDefaultAsync(r => r.RuleId == rule.Rule.Id && r.DeliveryId == deliveryId, cancellationToken);
        List<ActionResult> results;
        if (run is null)
        {
            var now = time.GetUtcNow();
            var counted = rule.CountedActions;
            run = new AutomationRun { RuleId = rule.Rule.Id, OrganizationId = organizationId, DeliveryId = deliveryId, At = now, Results = "[]", ActionCount = counted };
            if (rule.Rule.Mode == AutomationMode.DryRunOnly)
            {
                run.Outcome = AutomationRunOutcome.DryRun;
                run.ActionCount = 0;
                run.Results = RuleJson.Write([.. rule.Actions.Select(a => AutomationActions.Describe(a, rule.Rule.Name, facts))]);
            }
            else if (await ActionsInWindowAsync(db, rule.Rule.Id, now, cancellationToken) + counted > rule.Rule.ActionsPerMinute)
            {
                run.Outcome = AutomationRunOutcome.Suppressed;
                run.ActionCount = 0;
                run.Results = RuleJson.Write([new ActionResult(ActionKind.Stop, ActionResult.Skipped,
                    $"suppressed: the rule took its {rule.Rule.ActionsPerMinute} actions of the last minute in this organization")]);
                LogSuppressed(rule.Rule.Id, deliveryId);
            }

            db.AutomationRuns.Add(run);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation())
            {
                // Another instance (or an overlapping attempt) wrote the run first: it runs the actions, not this one.
                return false;
            }

            if (run.Outcome != AutomationRunOutcome.Running)
            {
                return false;
            }

            results = [.. rule.Actions.Select(a => new ActionResult(a.Kind, ActionResult.Failed, "not run yet"))];
        }
        else if (run.Outcome == AutomationRunOutcome.Failed)
        {
            results = [.. RuleJson.Results(run.Results)];
        }
        else
        {
            // Ran already (or a crash interrupted it, when its actions may have taken effect): never twice.
            return run.Outcome == AutomationRunOutcome.Acted && rule.Actions.Any(a => a.Kind == ActionKind.Stop);
        }

        var stop = false;
        for (var i = 0; i < rule.Actions.Count; i++)
        {
            if (i < results.Count && results[i].Status != ActionResult.Failed)
            {
                stop |= rule.Actions[i].Kind == ActionKind.Stop;
                continue;
            }

            var result = await actions.RunAsync(rule.Actions[i], rule.Rule, webhook, facts, organizationId, cancellationToken);
            if (i < results.Count)
            {
                results[i] = result;
            }
            else
            {
                results.Add(result);
            }

            if (result.Status == ActionResult.Failed)
            {
                failures.Add($"{rule.Rule.Name}: {result.Kind}: {result.Detail}");
            }

            stop |= rule.Actions[i].Kind == ActionKind.Stop;
        }

        run.Outcome = results.Any(r => r.Status == ActionResult.Failed) ? AutomationRunOutcome.Failed : AutomationRunOutcome.Acted;
        run.Results = RuleJson.Write(results);
        run.At = time.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        return stop;
    }

    private static async Task<int> ActionsInWindowAsync(PortalDbContext db, int ruleId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - LimitWindow;
        return await db.AutomationRuns.Where(r => r.RuleId == ruleId && r.At > since).SumAsync(r => r.ActionCount, cancellationToken);
    }

    private async Task RecordAsync(long deliveryId, long organizationId, List<RuleVerdict> verdicts, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var results = RuleJson.Write(verdicts);
        var evaluation = await db.AutomationEvaluations.FirstOrDefaultAsync(e => e.DeliveryId == deliveryId, cancellationToken);
        if (evaluation is null)
        {
            db.AutomationEvaluations.Add(new AutomationEvaluation { DeliveryId = deliveryId, OrganizationId = organizationId, At = time.GetUtcNow(), Results = results });
        }
        else
        {
            evaluation.At = time.GetUtcNow();
            evaluation.Results = results;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Automation rule {RuleId} reached its limit; its run on delivery {DeliveryId} was suppressed")]
    private partial void LogSuppressed(int ruleId, long deliveryId);
}

/// <summary>Some of a delivery's automation actions failed; the delivery is retried on its schedule, and only those run again.</summary>
internal sealed class AutomationActionsFailedException(string message) : Exception(message);
