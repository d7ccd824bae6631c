using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// Carries out one due <see cref="AutomationRun"/>: claims it (so no other worker or instance acts on it), checks the
/// rule is still live and within its limit, then runs the actions it was matched with, in order, saving what each
/// did as it goes. Failed actions alone run again on the delivery schedule (1 s, 5 s, 30 s, 2 min, then every
/// 10 min, ten attempts in all); a run interrupted mid-way stays "running" and is never repeated, since its actions
/// may have taken effect.
/// </summary>
internal sealed partial class AutomationRunner(
    AutomationActions actions,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider time,
    ILogger<AutomationRunner> logger)
{
    /// <summary>The storm limit's window: a rule takes at most its ActionsPerMinute actions within it.</summary>
    public static readonly TimeSpan LimitWindow = TimeSpan.FromMinutes(1);

    /// <summary>How long one action may take (a Sentry call, a forward) before it counts as failed.</summary>
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(20);

    public async Task RunAsync(long runId, CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var now = time.GetUtcNow();
        var claimed = await db.AutomationRuns
            .Where(r => r.Id == runId && r.NextAttemptAt != null && r.NextAttemptAt <= now
                && (r.Outcome == AutomationRunOutcome.Pending || r.Outcome == AutomationRunOutcome.Failed))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Outcome, AutomationRunOutcome.Running)
                .SetProperty(r => r.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1), stoppingToken);
        if (claimed == 0)
        {
            return;
        }

        // From here on the run is this worker's: what happens is saved whatever the stopping token says.
        var run = await db.AutomationRuns.SingleAsync(r => r.Id == runId, CancellationToken.None);
        var planned = RuleJson.Actions(run.Actions);
        var stored = RuleJson.Results(run.Results);
        List<ActionResult> results = stored.Count == planned.Count
            ? [.. stored]
            : [.. planned.Select(a => new ActionResult(a.Kind, ActionResult.Failed, "not run yet"))];
        var rule = await db.AutomationRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == run.RuleId, CancellationToken.None);
        if (rule is not { Enabled: true, Mode: AutomationMode.Live })
        {
            await EndAsync(db, run, results, AutomationRunOutcome.Cancelled, "not run: the rule was turned off or switched to dry run before this action ran");
            return;
        }

        if (run.ActedAt is null && !await TakeLimitAsync(db, run, rule, planned, now))
        {
            return;
        }

        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == run.DeliveryId, CancellationToken.None);
        using var document = delivery is null ? null : WebhookEnvelope.TryParse(delivery.Body);
        if (document is null)
        {
            await EndAsync(db, run, results, AutomationRunOutcome.Cancelled, "not run: the delivery is no longer stored (or no longer reads as JSON)");
            return;
        }

        var webhook = new WebhookEvent(delivery!, document.RootElement);
        var facts = EventFacts.From(webhook.Resource, webhook.Action, webhook.Root);
        for (var i = 0; i < planned.Count; i++)
        {
            if (results[i].Status != ActionResult.Failed)
            {
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(ActionTimeout);
            results[i] = await actions.RunAsync(planned[i], rule, webhook, facts, run.OrganizationId, timeout.Token);
            run.Results = RuleJson.Write(results);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        if (!results.Any(r => r.Status == ActionResult.Failed))
        {
            run.Outcome = AutomationRunOutcome.Acted;
        }
        else
        {
            run.Outcome = AutomationRunOutcome.Failed;
            run.NextAttemptAt = run.Attempts >= ProcessingSchedule.MaxAttempts ? null : time.GetUtcNow() + ProcessingSchedule.DelayAfter(run.Attempts);
            LogFailed(run.RuleId, run.DeliveryId, run.Attempts, run.NextAttemptAt);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    // The storm limit, taken once per run: the actions of the rule's runs that acted within the window, plus this
    // run's. Past it the run is suppressed; otherwise it is marked acting (so the next run counts it) before acting.
    private async Task<bool> TakeLimitAsync(PortalDbContext db, AutomationRun run, AutomationRule rule, IReadOnlyList<RuleAction> planned, DateTimeOffset now)
    {
        var since = now - LimitWindow;
        var counted = RuleAction.Counted(planned);
        var used = await db.AutomationRuns.Where(r => r.RuleId == run.RuleId && r.ActedAt > since).SumAsync(r => r.ActionCount, CancellationToken.None);
        if (used + counted > rule.ActionsPerMinute)
        {
            run.Outcome = AutomationRunOutcome.Suppressed;
            run.Results = RuleJson.Write([new ActionResult(ActionKind.Stop, ActionResult.Skipped,
                $"suppressed: the rule took its {rule.ActionsPerMinute} actions of the last minute in this organization")]);
            await db.SaveChangesAsync(CancellationToken.None);
            LogSuppressed(run.RuleId, run.DeliveryId);
            return false;
        }

        (run.ActedAt, run.ActionCount) = (now, counted);
        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }

    private static async Task EndAsync(PortalDbContext db, AutomationRun run, List<ActionResult> results, AutomationRunOutcome outcome, string why)
    {
        run.Outcome = outcome;
        run.Results = RuleJson.Write([.. results.Select(r => r.Status == ActionResult.Failed ? new ActionResult(r.Kind, ActionResult.Skipped, why) : r)]);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Automation rule {RuleId} reached its limit; its run on delivery {DeliveryId} was suppressed")]
    private partial void LogSuppressed(int ruleId, long deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Automation rule {RuleId}'s actions on delivery {DeliveryId} failed (attempt {Attempt}); next attempt at {NextAttemptAt}")]
    private partial void LogFailed(int ruleId, long deliveryId, int attempt, DateTimeOffset? nextAttemptAt);
}
