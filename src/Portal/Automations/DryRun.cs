using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;
using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// Tries a rule on stored deliveries of its organization (the last days, at most <see cref="MaxDeliveries"/>) without
/// any side effect: which would have matched, what each would have done, and how many runs the rule's limit would
/// have suppressed. Judged as live processing judges (deliveries a Sentry App caused run no rules; frequencies count
/// the rule's own sightings among these deliveries; the limit is a sliding minute), oldest first, streamed.
/// </summary>
internal sealed class DryRun(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time) : IDisposable
{
    public const int MaxDeliveries = 10_000;
    public const int MaxDays = 30;

    // A dry run reads up to 10,000 bodies: two at a time on this instance, the rest wait their turn.
    private readonly SemaphoreSlim running = new(2, 2);

    public void Dispose() => running.Dispose();

    public async Task<DryRunResult> RunAsync(AccessScope scope, RuleDraft draft, int days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(draft);
        if (!scope.CanManage(draft.OrganizationId))
        {
            return DryRunResult.Refused("Pick one of the organizations whose integrations you manage.");
        }

        if (draft.Problem() is { } problem)
        {
            return DryRunResult.Refused(problem);
        }

        await running.WaitAsync(cancellationToken);
        try
        {
            return await TryAsync(draft, days, cancellationToken);
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<DryRunResult> TryAsync(RuleDraft draft, int days, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var tried = new AutomationRule
        {
            OrganizationId = draft.OrganizationId,
            Name = "",
            Triggers = "",
            Conditions = "[]",
            Actions = "[]",
            CreatedBy = "dry run",
            CreatedAt = time.GetUtcNow(),
        };
        draft.ApplyTo(tried);
        (tried.Enabled, tried.Mode) = (true, AutomationMode.DryRunOnly);
        var rule = CompiledRule.From(tried);
        var since = time.GetUtcNow().AddDays(-Math.Clamp(days, 1, MaxDays));
        var resources = draft.Triggers.Select(t => t.Split('.')[0]).Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var inRange = db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.OrganizationId == draft.OrganizationId && d.ReceivedAt >= since && resources.Contains(d.Resource));

        // The newest MaxDeliveries, read oldest first (as they arrived) without holding them all.
        var ids = await inRange.OrderByDescending(d => d.Id).Select(d => d.Id).Take(MaxDeliveries).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return new DryRunResult(null, 0, false, [], watch.Elapsed);
        }

        var first = ids[^1];
        var deliveries = inRange.Where(d => d.Id >= first).OrderBy(d => d.Id)
            .Select(d => new { d.Id, d.Resource, d.Action, d.ReceivedAt, d.Body })
            .AsAsyncEnumerable();
        var matches = new List<DryRunMatch>();
        var sightings = new List<AutomationSighting>();
        var acted = new Queue<(DateTimeOffset At, int Actions)>();
        var inWindow = 0;
        var considered = 0;
        await foreach (var delivery in deliveries.WithCancellation(cancellationToken))
        {
            considered++;
            var trigger = $"{delivery.Resource}.{delivery.Action}";
            if (!rule.IsTriggeredBy(trigger))
            {
                continue;
            }

            // Read as processing reads it: a body processing could not parse was never judged live either.
            using var document = WebhookEnvelope.TryParse(delivery.Body);
            if (document is not null)
            {
                var facts = EventFacts.From(delivery.Resource, delivery.Action, document.RootElement);
                if (RuleMatching.CausedByAnApp(facts) is not null)
                {
                    continue;
                }

                var verdict = rule.Evaluate(facts);
                if (verdict.Matched && rule.Frequencies.Count > 0)
                {
                    var sighting = RuleFrequency.SightingOf(0, delivery.Id, draft.OrganizationId, facts, delivery.ReceivedAt);
                    verdict = await RuleFrequency.JudgeAllAsync(verdict, rule.Frequencies,
                        condition => Task.FromResult(RuleFrequency.Test(condition, sighting, sightings)));
                    sightings.Add(sighting);
                }

                if (!verdict.Matched)
                {
                    continue;
                }

                // The runner's sliding minute: the actions of the runs that acted in the minute before this one.
                while (acted.Count > 0 && acted.Peek().At <= delivery.ReceivedAt - AutomationRunner.LimitWindow)
                {
                    inWindow -= acted.Dequeue().Actions;
                }

                var suppressed = inWindow + rule.CountedActions > draft.ActionsPerMinute;
                if (!suppressed)
                {
                    acted.Enqueue((delivery.ReceivedAt, rule.CountedActions));
                    inWindow += rule.CountedActions;
                }

                matches.Add(new DryRunMatch(delivery.Id, delivery.ReceivedAt, trigger, facts.ShortId ?? facts.Title, verdict.Why, suppressed,
                    rule.Describe(facts)));
            }
        }

        return new DryRunResult(null, considered, ids.Count == MaxDeliveries, matches, watch.Elapsed);
    }
}

internal sealed record DryRunMatch(long DeliveryId, DateTimeOffset ReceivedAt, string Trigger, string? Subject, string Why, bool Suppressed, IReadOnlyList<ActionResult> Actions);

internal sealed record DryRunResult(string? Problem, int Considered, bool Capped, IReadOnlyList<DryRunMatch> Matches, TimeSpan Took)
{
    public int Suppressed => Matches.Count(m => m.Suppressed);

    public static DryRunResult Refused(string problem) => new(problem, 0, false, [], TimeSpan.Zero);
}
