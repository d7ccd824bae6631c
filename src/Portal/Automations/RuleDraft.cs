using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Automations;

/// <summary>A rule as the editor (or an import) gives it, checked by <see cref="Problem"/> before it is saved.</summary>
internal sealed record RuleDraft
{
    public long OrganizationId { get; init; }

    public string Name { get; init; } = "";

    public bool Enabled { get; init; }

    public AutomationMode Mode { get; init; }

    public string? Projects { get; init; }

    public IReadOnlyList<string> Triggers { get; init; } = [];

    public ConditionMatch Match { get; init; }

    public IReadOnlyList<RuleCondition> Conditions { get; init; } = [];

    public IReadOnlyList<RuleAction> Actions { get; init; } = [];

    public int ActionsPerMinute { get; init; } = 60;

    /// <summary>Every rule is judged on every delivery of its triggers; these keep that cheap.</summary>
    public const int MaxConditions = 50;

    public const int MaxRulesPerOrganization = 200;

    public static RuleDraft From(AutomationRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new RuleDraft
        {
            OrganizationId = rule.OrganizationId,
            Name = rule.Name,
            Enabled = rule.Enabled,
            Mode = rule.Mode,
            Projects = rule.Projects,
            Triggers = rule.Triggers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Match = rule.Match,
            Conditions = RuleJson.Conditions(rule.Conditions),
            Actions = RuleJson.Actions(rule.Actions),
            ActionsPerMinute = rule.ActionsPerMinute,
        };
    }

    /// <summary>Writes the draft into <paramref name="rule"/> as it is stored: the one mapping saving and dry runs share.</summary>
    public void ApplyTo(AutomationRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Name = Name.Trim();
        rule.Enabled = Enabled;
        rule.Mode = Mode;
        rule.Projects = string.IsNullOrWhiteSpace(Projects) ? null : string.Join(',', Projects.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        rule.Triggers = string.Join(',', Triggers);
        rule.Match = Match;
        rule.Conditions = RuleJson.Write(Conditions);
        rule.Actions = RuleJson.Write(Actions);
        rule.ActionsPerMinute = ActionsPerMinute;
    }

    /// <summary>What keeps the rule from being saved, in words for the editor; null when it can be.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return "Give the rule a name.";
        }

        if (Name.Length > Limits.RuleName)
        {
            return $"A name is at most {Limits.RuleName} characters.";
        }

        if (Triggers.Count == 0)
        {
            return "Pick at least one trigger (When).";
        }

        if (Triggers.FirstOrDefault(t => !RuleVocabulary.IsTrigger(t)) is { } unknown)
        {
            return $"\"{unknown}\" is not a delivery Sentry sends.";
        }

        if (Actions.Count == 0)
        {
            return "Add at least one action (Then).";
        }

        if (ActionsPerMinute is < 1 or > 10_000)
        {
            return "The limit is between 1 and 10,000 actions a minute.";
        }

        if (RuleAction.Counted(Actions) > ActionsPerMinute)
        {
            return "The limit is below the rule's own actions: every run would be suppressed. Raise it to at least the number of actions.";
        }

        if (Conditions.Count > MaxConditions)
        {
            return $"A rule has at most {MaxConditions} conditions.";
        }

        for (var i = 0; i < Conditions.Count; i++)
        {
            if (ConditionCheck.Problem(Conditions[i]) is { } problem)
            {
                return $"Condition {i + 1}: {problem}";
            }
        }

        for (var i = 0; i < Actions.Count; i++)
        {
            if (Actions[i].Problem() is { } problem)
            {
                return $"Action {i + 1}: {problem}";
            }
        }

        return RuleJson.Write(Conditions).Length > Limits.RuleDefinition || RuleJson.Write(Actions).Length > Limits.RuleDefinition
            ? "The rule is too large; split it into several."
            : null;
    }
}
