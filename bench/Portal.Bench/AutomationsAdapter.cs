using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Automations;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Bench;

/// <summary>
/// The only place the bench touches the portal's internal automation types (<c>RuleDraft</c>, <c>RuleJson</c>,
/// <c>CompiledRule</c>, <c>EventFacts</c>, <c>DryRun</c>, <c>RuleBook</c>): when their API moves, this file is the one
/// to fix. Everything else speaks <see cref="RuleSpec"/> and the public entities of Portal.Data.
/// </summary>
internal static class AutomationsAdapter
{
    /// <summary>How long the portal keeps an organization's compiled rules before reading them again.</summary>
    public static TimeSpan RuleCacheFreshness => RuleBook.Freshness;

    /// <summary>
    /// The rule as the editor would save it: conditions and actions go through the portal's own JSON schema, the draft
    /// must pass its checks, and <c>RuleDraft.ApplyTo</c> writes the stored form.
    /// </summary>
    public static AutomationRule ToEntity(RuleSpec spec, long organizationId, int position, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var draft = Draft(spec, organizationId);
        if (draft.Problem() is { } problem)
        {
            throw new InvalidOperationException($"Bench rule \"{spec.Name}\" would not be saved: {problem}");
        }

        var rule = new AutomationRule
        {
            OrganizationId = organizationId,
            Name = "",
            Triggers = "",
            Conditions = "[]",
            Actions = "[]",
            CreatedBy = "bench",
            CreatedAt = now,
            UpdatedAt = now,
            Position = position,
        };
        draft.ApplyTo(rule);
        return rule;
    }

    /// <summary>Rules compiled once, then judged against deliveries the way processing does.</summary>
    public static RuleEvaluator Compile(IEnumerable<AutomationRule> rules) => new([.. rules.Select(CompiledRule.From)]);

    /// <summary>A dry run of <paramref name="spec"/> over the organization's stored deliveries of the last <paramref name="days"/>.</summary>
    public static async Task<(int Considered, int Matches, bool Capped, TimeSpan Took)> DryRunAsync(
        IDbContextFactory<PortalDbContext> dbFactory, RuleSpec spec, long organizationId, int days, CancellationToken cancellationToken)
    {
        var run = new DryRun(dbFactory, TimeProvider.System);
        var result = await run.RunAsync(AccessScope.Managing(organizationId), Draft(spec, organizationId), days, cancellationToken);
        return result.Problem is { } problem
            ? throw new InvalidOperationException($"The dry run refused the rule: {problem}")
            : (result.Considered, result.Matches.Count, result.Capped, result.Took);
    }

    private static RuleDraft Draft(RuleSpec spec, long organizationId) => new()
    {
        OrganizationId = organizationId,
        Name = spec.Name,
        Enabled = true,
        Mode = spec.Live ? AutomationMode.Live : AutomationMode.DryRunOnly,
        Projects = spec.Projects,
        Triggers = spec.Triggers,
        Match = Enum.Parse<ConditionMatch>(spec.Match, ignoreCase: true),
        Conditions = RuleJson.Conditions(spec.ConditionsJson),
        Actions = RuleJson.Actions(spec.ActionsJson),
        ActionsPerMinute = 10_000,
    };

    internal sealed class RuleEvaluator
    {
        private readonly CompiledRule[] rules;

        public RuleEvaluator(CompiledRule[] rules) => this.rules = rules;

        public int Count => rules.Length;

        /// <summary>Facts read once, every rule judged (as <c>AutomationRunner</c> does with no "stop"); how many matched.</summary>
        public int Evaluate(string resource, string? action, JsonElement root)
        {
            var facts = EventFacts.From(resource, action, root);
            var matched = 0;
            foreach (var rule in rules)
            {
                if (rule.Evaluate(facts).Matched)
                {
                    matched++;
                }
            }

            return matched;
        }

        /// <summary>The same, plus the verdicts serialized as the runner records them per delivery; the JSON's length.</summary>
        public int EvaluateAndRecord(string resource, string? action, JsonElement root)
        {
            var facts = EventFacts.From(resource, action, root);
            var verdicts = new List<RuleVerdict>(rules.Length);
            foreach (var rule in rules)
            {
                verdicts.Add(rule.Evaluate(facts));
            }

            return RuleJson.Write(verdicts).Length;
        }
    }
}

/// <summary>
/// A bench rule in the portal's stored vocabulary: triggers <c>resource.action</c>, match <c>all|any|none</c>,
/// conditions and actions as the JSON the portal stores (camelCase, operator codes such as <c>eq</c>, <c>gte</c>, <c>re</c>).
/// </summary>
internal sealed record RuleSpec(string Name, IReadOnlyList<string> Triggers, string Match, string? Projects, string ConditionsJson, string ActionsJson, bool Live = false);
