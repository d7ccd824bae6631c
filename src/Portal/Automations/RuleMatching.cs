using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// Judges each delivery of a processing pass against its organization's rules, in order, and at the end of the pass
/// stores what it decided in one transaction: an <see cref="AutomationEvaluation"/> per delivery that triggered a
/// rule (which matched and, for the others, the first condition that failed), a pending <see cref="AutomationRun"/>
/// per matching rule for the <see cref="AutomationWorker"/>, and the sightings frequency conditions count. Nothing
/// here calls out, so one organization's slow Sentry or destination never holds up another's deliveries.
/// </summary>
/// <remarks>
/// Deliveries a Sentry App caused (the portal's own changes among them) run no rules, so rules cannot loop. A live
/// rule with a "stop" action keeps later rules from matching; a dry-run-only rule's stop only says it would.
/// </remarks>
internal sealed partial class RuleMatching(
    RuleBook rules,
    RuleFrequency frequency,
    AutomationWorker worker,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider time,
    ILogger<RuleMatching> logger) : IDeliveryStep
{
    public IDeliveryStepPass BeginPass() => new Pass(this);

    private RuleBook Rules => rules;

    private RuleFrequency Frequency => frequency;

    private AutomationWorker Worker => worker;

    private IDbContextFactory<PortalDbContext> DbFactory => dbFactory;

    private TimeProvider Time => time;

    // Whether a Sentry App caused the delivery: Sentry names the app receiving the webhook for any app's change
    // (sentry-contract.md §2.7), so this portal cannot tell its own changes from another app's. Sentry itself is "sentry".
    internal static string? CausedByAnApp(EventFacts facts) =>
        facts.Actor.ValueKind == JsonValueKind.Object
        && facts.Actor.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "application"
        && facts.Actor.TryGetProperty("id", out var id) && !(id.ValueKind == JsonValueKind.String && id.GetString() == "sentry")
            ? facts.Actor.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : id.ToString()
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance stored the automation decisions of some of these deliveries first; storing the rest")]
    private partial void LogRaced();

    private sealed class Pass(RuleMatching owner) : IDeliveryStepPass
    {
        private readonly List<AutomationEvaluation> evaluations = [];
        private readonly List<AutomationRun> runs = [];
        private readonly List<AutomationSighting> sightings = [];

        public async Task<string?> RunAsync(WebhookEvent webhook, long organizationId, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(webhook);
            var trigger = $"{webhook.Resource}.{webhook.Action}";
            var triggered = (await owner.Rules.ForAsync(organizationId, cancellationToken)).Where(r => r.IsTriggeredBy(trigger)).ToList();
            if (triggered.Count == 0)
            {
                return null;
            }

            var facts = EventFacts.From(webhook.Resource, webhook.Action, webhook.Root);
            var delivery = webhook.Delivery;
            var verdicts = new List<RuleVerdict>(triggered.Count);
            if (CausedByAnApp(facts) is { } app)
            {
                verdicts.AddRange(triggered.Select(rule => new RuleVerdict(rule.Rule.Id, rule.Rule.Name, false,
                    $"caused by the Sentry App {app} (this portal's own changes come back so); rules do not run on it, so they cannot loop")));
            }
            else
            {
                foreach (var rule in triggered)
                {
                    var verdict = await JudgeAsync(rule, facts, delivery, organizationId, cancellationToken);
                    verdicts.Add(verdict);
                    if (!verdict.Matched)
                    {
                        continue;
                    }

                    runs.Add(NewRun(rule, facts, delivery.Id, organizationId));
                    if (rule.Rule.Mode == AutomationMode.Live && rule.Actions.Any(a => a.Kind == ActionKind.Stop))
                    {
                        break;
                    }
                }
            }

            evaluations.Add(new AutomationEvaluation { DeliveryId = delivery.Id, OrganizationId = organizationId, At = owner.Time.GetUtcNow(), Results = RuleJson.Write(verdicts) });
            return null;
        }

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (evaluations.Count == 0)
            {
                return;
            }

            try
            {
                await StoreAsync(cancellationToken);
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation())
            {
                // Another instance processed some of the same deliveries (a lapsed claim): what it stored stands.
                owner.LogRaced();
                await StoreAsync(cancellationToken);
            }

            if (runs.Any(r => r.Outcome == AutomationRunOutcome.Pending))
            {
                owner.Worker.Notify();
            }
        }

        // A rule's conditions, then its frequencies over its sightings (this delivery among them).
        private async Task<RuleVerdict> JudgeAsync(CompiledRule rule, EventFacts facts, WebhookDelivery delivery, long organizationId, CancellationToken cancellationToken)
        {
            var verdict = rule.Evaluate(facts);
            if (!verdict.Matched || rule.Frequencies.Count == 0)
            {
                return verdict;
            }

            var sighting = RuleFrequency.SightingOf(rule.Rule.Id, delivery.Id, organizationId, facts, delivery.ReceivedAt);
            var judged = await RuleFrequency.JudgeAllAsync(verdict, rule.Frequencies,
                condition => owner.Frequency.TestAsync(condition, sighting, sightings, cancellationToken));
            sightings.Add(sighting);
            return judged;
        }

        private AutomationRun NewRun(CompiledRule rule, EventFacts facts, long deliveryId, long organizationId)
        {
            var now = owner.Time.GetUtcNow();
            var dryRun = rule.Rule.Mode == AutomationMode.DryRunOnly;
            return new AutomationRun
            {
                RuleId = rule.Rule.Id,
                OrganizationId = organizationId,
                DeliveryId = deliveryId,
                At = now,
                Actions = rule.Rule.Actions,
                Outcome = dryRun ? AutomationRunOutcome.DryRun : AutomationRunOutcome.Pending,
                Results = dryRun ? RuleJson.Write(rule.Describe(facts)) : "[]",
                NextAttemptAt = dryRun ? null : now,
            };
        }

        // Idempotent per delivery: a run, evaluation or sighting already stored (an earlier attempt, a replay, another
        // instance) is kept, so a rule's actions are decided once; only a dry-run-only rule's record gives way to the
        // same rule, now live, acting.
        private async Task StoreAsync(CancellationToken cancellationToken)
        {
            await using var db = await owner.DbFactory.CreateDbContextAsync(cancellationToken);
            var deliveryIds = evaluations.Select(e => e.DeliveryId).ToList();
            var stored = await db.AutomationRuns.Where(r => deliveryIds.Contains(r.DeliveryId)).ToListAsync(cancellationToken);
            foreach (var run in runs)
            {
                var existing = stored.Find(r => r.RuleId == run.RuleId && r.DeliveryId == run.DeliveryId);
                if (existing is null)
                {
                    db.AutomationRuns.Add(Copy(run));
                }
                else if (existing.Outcome == AutomationRunOutcome.DryRun && run.Outcome == AutomationRunOutcome.Pending)
                {
                    (existing.Outcome, existing.Actions, existing.Results, existing.At, existing.NextAttemptAt) = (run.Outcome, run.Actions, run.Results, run.At, run.NextAttemptAt);
                }
            }

            var judged = await db.AutomationEvaluations.Where(e => deliveryIds.Contains(e.DeliveryId)).ToDictionaryAsync(e => e.DeliveryId, cancellationToken);
            foreach (var evaluation in evaluations)
            {
                if (judged.TryGetValue(evaluation.DeliveryId, out var existing))
                {
                    (existing.At, existing.Results) = (evaluation.At, evaluation.Results);
                }
                else
                {
                    db.AutomationEvaluations.Add(new AutomationEvaluation { DeliveryId = evaluation.DeliveryId, OrganizationId = evaluation.OrganizationId, At = evaluation.At, Results = evaluation.Results });
                }
            }

            if (sightings.Count > 0)
            {
                var seen = (await db.AutomationSightings.Where(s => deliveryIds.Contains(s.DeliveryId)).Select(s => new { s.RuleId, s.DeliveryId }).ToListAsync(cancellationToken))
                    .Select(s => (s.RuleId, s.DeliveryId)).ToHashSet();
                db.AutomationSightings.AddRange(sightings.Where(s => !seen.Contains((s.RuleId, s.DeliveryId))));
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        // A fresh entity per attempt: a failed SaveChanges leaves the tracked one with store-generated state.
        private static AutomationRun Copy(AutomationRun run) => new()
        {
            RuleId = run.RuleId, OrganizationId = run.OrganizationId, DeliveryId = run.DeliveryId, At = run.At, Actions = run.Actions,
            Outcome = run.Outcome, Results = run.Results, NextAttemptAt = run.NextAttemptAt,
        };
    }
}
