using Portal.Data.Entities;

namespace Portal.Automations;

/// <summary>
/// A rule made ready to judge deliveries: its triggers and projects as sets, its conditions as
/// <see cref="ConditionCheck"/>s. Built once per version of the rule, then used for every delivery.
/// </summary>
internal sealed class CompiledRule
{
    private readonly HashSet<string> triggers;
    private readonly HashSet<string>? projects;
    private readonly ConditionCheck[] checks;

    private CompiledRule(AutomationRule rule, IReadOnlyList<RuleCondition> conditions)
    {
        Rule = rule;
        triggers = [.. Split(rule.Triggers)];
        projects = rule.Projects is { Length: > 0 } list ? new HashSet<string>(Split(list), StringComparer.OrdinalIgnoreCase) : null;
        checks = [.. conditions.Where(c => c.Kind != ConditionKind.Frequency).Select(ConditionCheck.Create)];
        Frequencies = [.. conditions.Where(c => c.Kind == ConditionKind.Frequency)];
        Actions = RuleJson.Actions(rule.Actions);
    }

    public AutomationRule Rule { get; }

    public IReadOnlyList<RuleAction> Actions { get; }

    /// <summary>
    /// Its frequency conditions: they must hold whatever <see cref="AutomationRule.Match"/> says, and are counted over
    /// the rule's sightings (deliveries that met its other conditions) once <see cref="Evaluate"/> has matched.
    /// </summary>
    public IReadOnlyList<RuleCondition> Frequencies { get; }

    public bool IsTriggeredBy(string trigger) => triggers.Contains(trigger);

    /// <summary>How many of its actions count against the rule's limit.</summary>
    public int CountedActions => RuleAction.Counted(Actions);

    /// <summary>What each of its actions would do on <paramref name="facts"/>: a dry run's results.</summary>
    public IReadOnlyList<ActionResult> Describe(EventFacts facts) => [.. Actions.Select(a => AutomationActions.Describe(a, Rule.Name, facts))];

    public static CompiledRule From(AutomationRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new CompiledRule(rule, RuleJson.Conditions(rule.Conditions));
    }

    /// <summary>
    /// Whether the rule applies to <paramref name="facts"/> (before its <see cref="Frequencies"/>); when not, the first
    /// reason it does not.
    /// </summary>
    public RuleVerdict Evaluate(EventFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (!triggers.Contains(facts.Trigger))
        {
            return Verdict(false, $"not triggered by {facts.Trigger}");
        }

        if (projects is not null)
        {
            var project = facts.Attribute("project");
            if (!project.Any(projects.Contains))
            {
                return Verdict(false, project.Count == 0 ? "the delivery names no project, and the rule is for some projects only" : $"project {project[0]} is not one of the rule's");
            }
        }

        if (checks.Length == 0)
        {
            return Verdict(true, $"triggered by {facts.Trigger}, no conditions");
        }

        switch (Rule.Match)
        {
            case ConditionMatch.Any:
                var reasons = new List<string>(checks.Length);
                foreach (var check in checks)
                {
                    var (passed, why) = check.Test(facts);
                    if (passed)
                    {
                        return Verdict(true, why);
                    }

                    reasons.Add(why);
                }

                return Verdict(false, $"none of the conditions holds: {reasons[0]}{(reasons.Count > 1 ? $" (and {reasons.Count - 1} more)" : "")}");

            case ConditionMatch.None:
                foreach (var check in checks)
                {
                    var (passed, why) = check.Test(facts);
                    if (passed)
                    {
                        return Verdict(false, $"a condition that must not hold does: {why}");
                    }
                }

                return Verdict(true, "none of the conditions holds, as the rule asks");

            default:
                string last = "";
                foreach (var check in checks)
                {
                    var (passed, why) = check.Test(facts);
                    if (!passed)
                    {
                        return Verdict(false, why);
                    }

                    last = why;
                }

                return Verdict(true, checks.Length == 1 ? last : $"all {checks.Length} conditions hold");
        }
    }

    private RuleVerdict Verdict(bool matched, string why) => new(Rule.Id, Rule.Name, matched, why);

    private static string[] Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>What one rule made of one delivery: matched or not, and why (for a miss, the first condition that failed).</summary>
internal sealed record RuleVerdict(int RuleId, string RuleName, bool Matched, string Why);
