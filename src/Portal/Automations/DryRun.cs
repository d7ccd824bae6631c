using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Automations;

/// <summary>
/// Tries a rule on stored deliveries of its organization (the last days, at most <see cref="MaxDeliveries"/>) without
/// any side effect: which would have matched, what each would have done, and how many runs the rule's limit would
/// have suppressed, counting its actions per minute of arrival.
/// </summary>
internal sealed class DryRun(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const int MaxDeliveries = 10_000;
    public const int MaxDays = 30;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64 };

    public async Task<DryRunResult> RunAsync(AccessScope scope, RuleDraft draft, int days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(draft);
        if (!scope.Includes(draft.OrganizationId))
        {
            return DryRunResult.Refused("Pick one of your organizations.");
        }

        if (draft.Problem() is { } problem)
        {
            return DryRunResult.Refused(problem);
        }

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
        var deliveries = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.OrganizationId == draft.OrganizationId && d.ReceivedAt >= since && resources.Contains(d.Resource))
            .OrderByDescending(d => d.Id).Take(MaxDeliveries)
            .ToListAsync(cancellationToken);

        var matches = new List<DryRunMatch>();
        var perMinute = new Dictionary<long, int>();
        var considered = 0;
        foreach (var delivery in deliveries.OrderBy(d => d.Id))
        {
            considered++;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(delivery.Body, ParseOptions);
            }
            catch (JsonException)
            {
                continue;
            }

            using (document)
            {
                var facts = EventFacts.From(delivery.Resource, delivery.Action, document.RootElement);
                var verdict = rule.Evaluate(facts);
                if (!verdict.Matched)
                {
                    continue;
                }

                var minute = delivery.ReceivedAt.ToUnixTimeSeconds() / 60;
                var used = perMinute.GetValueOrDefault(minute);
                var suppressed = used + rule.CountedActions > draft.ActionsPerMinute;
                if (!suppressed)
                {
                    perMinute[minute] = used + rule.CountedActions;
                }

                matches.Add(new DryRunMatch(delivery.Id, delivery.ReceivedAt, $"{delivery.Resource}.{delivery.Action}", facts.ShortId ?? facts.Title, verdict.Why, suppressed,
                    [.. rule.Actions.Select(a => AutomationActions.Describe(a, draft.Name, facts))]));
            }
        }

        return new DryRunResult(null, considered, deliveries.Count == MaxDeliveries, matches, watch.Elapsed);
    }
}

internal sealed record DryRunMatch(long DeliveryId, DateTimeOffset ReceivedAt, string Trigger, string? Subject, string Why, bool Suppressed, IReadOnlyList<ActionResult> Actions);

internal sealed record DryRunResult(string? Problem, int Considered, bool Capped, IReadOnlyList<DryRunMatch> Matches, TimeSpan Took)
{
    public int Suppressed => Matches.Count(m => m.Suppressed);

    public static DryRunResult Refused(string problem) => new(problem, 0, false, [], TimeSpan.Zero);
}
