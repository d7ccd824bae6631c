using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Automations;

/// <summary>
/// A <see cref="RuleCondition"/> made ready to test many deliveries: its value lower-cased (Sentry compares both
/// sides lower-cased), its list split, its regular expression built once. Testing never throws: a field the delivery
/// lacks makes a positive test false and a negative one true, as in Sentry, and <see cref="Test"/> says why.
/// </summary>
internal sealed class ConditionCheck
{
    /// <summary>How long a regular expression may run on one value before the condition counts as not met.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly string value;
    private readonly HashSet<string> list;
    private readonly Regex? regex;

    private ConditionCheck(RuleCondition condition, Regex? regex)
    {
        Condition = condition;
        value = (condition.Value ?? "").ToLowerInvariant();

        // Sentry's "is in": every space removed, then split on commas.
        list = condition.Operator is MatchOperator.IsIn or MatchOperator.NotIn
            ? [.. value.Replace(" ", "", StringComparison.Ordinal).Split(',', StringSplitOptions.RemoveEmptyEntries)]
            : [];
        this.regex = regex;
    }

    public RuleCondition Condition { get; }

    /// <summary>Checks the condition's shape; returns what is wrong, or null. A rule is not saved with a wrong condition.</summary>
    public static string? Problem(RuleCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var op = condition.Operator;
        var needsValue = op is not (MatchOperator.IsSet or MatchOperator.NotSet);
        return condition.Kind switch
        {
            ConditionKind.Attribute when condition.Field is null || !RuleVocabulary.IsAttribute(condition.Field) => $"\"{condition.Field}\" is not an attribute a rule can test.",
            ConditionKind.Tag when string.IsNullOrWhiteSpace(condition.Field) => "A tag condition needs the tag's key.",
            ConditionKind.Attribute or ConditionKind.Tag when op is MatchOperator.AtLeast or MatchOperator.AtMost => "\"at least\" and \"at most\" compare levels only.",
            ConditionKind.Attribute or ConditionKind.Tag when needsValue && string.IsNullOrEmpty(condition.Value) => "This operator needs a value to compare with.",
            ConditionKind.Attribute or ConditionKind.Tag when op == MatchOperator.Matches => RegexProblem(condition.Value!),
            ConditionKind.Level when op is not (MatchOperator.Equals or MatchOperator.AtLeast or MatchOperator.AtMost) => "A level is equal to, at least or at most another.",
            ConditionKind.Level when condition.Value is null || !RuleVocabulary.Levels.ContainsKey(condition.Value) => $"\"{condition.Value}\" is not a level (debug, info, warning, error, fatal).",
            ConditionKind.Issue when condition.Field is not ("first_seen" or "regression" or "unassigned" or "assigned_to") => $"\"{condition.Field}\" is not an issue state (first_seen, regression, unassigned, assigned_to).",
            ConditionKind.Issue when condition.Field == "assigned_to" && string.IsNullOrWhiteSpace(condition.Value) => "Say who: a user's id, email or name, or team:<id>.",
            ConditionKind.Frequency => RuleFrequency.Problem(condition),
            _ => null,
        };
    }

    public static ConditionCheck Create(RuleCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var regex = condition.Operator == MatchOperator.Matches && condition.Value is { } pattern
            ? new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout)
            : null;
        return new ConditionCheck(condition, regex);
    }

    /// <summary>Whether the condition holds for <paramref name="facts"/>, and in words why (or why not).</summary>
    public (bool Passed, string Why) Test(EventFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Condition.Kind switch
        {
            ConditionKind.Attribute => Values(facts.Attribute(Condition.Field!), facts.Lowered(Condition.Field!, tag: false), $"the event's {Condition.Field}"),
            ConditionKind.Tag => Values(facts.Tag(Condition.Field!), facts.Lowered(Condition.Field!, tag: true), $"tag {Condition.Field}"),
            ConditionKind.Level => LevelTest(facts),
            ConditionKind.Issue => IssueTest(facts),
            ConditionKind.Frequency => (false, "a frequency is counted from stored deliveries, not from one delivery"),
            _ => (false, "unknown condition"),
        };
    }

    private (bool, string) Values(IReadOnlyList<string> raw, IReadOnlyList<string> values, string subject)
    {
        var shown = values.Count == 0 ? $"{subject} is not in this delivery" : $"{subject} is {Show(raw)}";
        bool passed;
        try
        {
            passed = Condition.Operator switch
            {
                MatchOperator.IsSet => values.Count > 0,
                MatchOperator.NotSet => values.Count == 0,
                MatchOperator.Equals => values.Contains(value),
                MatchOperator.NotEquals => !values.Contains(value),
                MatchOperator.StartsWith => values.Any(v => v.StartsWith(value, StringComparison.Ordinal)),
                MatchOperator.NotStartsWith => !values.Any(v => v.StartsWith(value, StringComparison.Ordinal)),
                MatchOperator.EndsWith => values.Any(v => v.EndsWith(value, StringComparison.Ordinal)),
                MatchOperator.NotEndsWith => !values.Any(v => v.EndsWith(value, StringComparison.Ordinal)),
                MatchOperator.Contains => values.Any(v => v.Contains(value, StringComparison.Ordinal)),
                MatchOperator.NotContains => !values.Any(v => v.Contains(value, StringComparison.Ordinal)),
                MatchOperator.IsIn => values.Any(list.Contains),
                MatchOperator.NotIn => !values.Any(list.Contains),
                MatchOperator.Matches => raw.Any(v => regex!.IsMatch(v)),
                _ => false,
            };
        }
        catch (RegexMatchTimeoutException)
        {
            return (false, $"the regular expression took longer than {RegexTimeout.TotalMilliseconds:0} ms on {subject}");
        }

        return (passed, $"{shown}: {Describe()} {(passed ? "holds" : "does not hold")}");
    }

    private (bool, string) LevelTest(EventFacts facts)
    {
        var wanted = RuleVocabulary.Levels[Condition.Value!];
        if (facts.Level() is not { } level)
        {
            return (false, "the event's level is not in this delivery");
        }

        if (!RuleVocabulary.Levels.TryGetValue(level, out var rank))
        {
            return (false, $"the event's level \"{level}\" is not one Sentry ranks");
        }

        var passed = Condition.Operator switch
        {
            MatchOperator.AtLeast => rank >= wanted,
            MatchOperator.AtMost => rank <= wanted,
            _ => rank == wanted,
        };
        return (passed, $"the event's level is {level}: {Describe()} {(passed ? "holds" : "does not hold")}");
    }

    private (bool, string) IssueTest(EventFacts facts)
    {
        if (Condition.Field == "first_seen")
        {
            // Only issue.created says so: later deliveries of a week-old issue still carry substatus "new".
            return facts.Trigger == "issue.created"
                ? (true, "the issue is new")
                : (false, facts.HasIssue ? "the issue is not new" : "only issue deliveries say whether an issue is new");
        }

        if (Condition.Field == "regression")
        {
            return facts.Substatus == "regressed"
                ? (true, "the issue regressed")
                : (false, facts.HasIssue ? "the issue did not regress" : "only issue deliveries say whether an issue regressed");
        }

        if (facts.AssignedTo is not { } assignee)
        {
            return (false, "only issue deliveries say who an issue is assigned to");
        }

        var unassigned = assignee.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;
        if (Condition.Field == "unassigned")
        {
            return unassigned ? (true, "the issue is unassigned") : (false, "the issue is assigned");
        }

        if (unassigned)
        {
            return (false, "the issue is unassigned");
        }

        if (assignee.ValueKind != JsonValueKind.Object)
        {
            return (false, "the issue's assignee is not in a form the portal reads");
        }

        var type = assignee.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var id = assignee.TryGetProperty("id", out var i) ? i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText() : null;
        string?[] names = [id, type is null || id is null ? null : $"{type}:{id}", Property(assignee, "email"), Property(assignee, "name")];
        var passed = names.Any(n => n is not null && string.Equals(n, Condition.Value, StringComparison.OrdinalIgnoreCase));
        return (passed, $"the issue is assigned to {Property(assignee, "name") ?? $"{type}:{id}"}{(passed ? "" : $", not {Condition.Value}")}");
    }

    private string Describe() => Condition.Operator switch
    {
        MatchOperator.Equals => $"equals \"{Condition.Value}\"",
        MatchOperator.NotEquals => $"does not equal \"{Condition.Value}\"",
        MatchOperator.StartsWith => $"starts with \"{Condition.Value}\"",
        MatchOperator.NotStartsWith => $"does not start with \"{Condition.Value}\"",
        MatchOperator.EndsWith => $"ends with \"{Condition.Value}\"",
        MatchOperator.NotEndsWith => $"does not end with \"{Condition.Value}\"",
        MatchOperator.Contains => $"contains \"{Condition.Value}\"",
        MatchOperator.NotContains => $"does not contain \"{Condition.Value}\"",
        MatchOperator.IsSet => "is set",
        MatchOperator.NotSet => "is not set",
        MatchOperator.IsIn => $"is in \"{Condition.Value}\"",
        MatchOperator.NotIn => $"is not in \"{Condition.Value}\"",
        MatchOperator.Matches => $"matches /{Condition.Value}/",
        MatchOperator.AtLeast => $"at least {Condition.Value}",
        MatchOperator.AtMost => $"at most {Condition.Value}",
        _ => Condition.Operator.ToString(),
    };

    private static string Show(IReadOnlyList<string> values)
    {
        var shown = string.Join(", ", values.Take(3).Select(v => $"\"{(v.Length > 80 ? v[..80] + "…" : v)}\""));
        return values.Count > 3 ? $"{shown} and {values.Count - 3} more" : shown;
    }

    private static string? Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? RegexProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
            return null;
        }
        catch (ArgumentException exception)
        {
            return $"The regular expression is not valid: {exception.Message}";
        }
    }
}
