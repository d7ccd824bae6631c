using System.Text.Json.Serialization;

namespace Portal.Automations;

/// <summary>
/// One "if" of a rule, as stored (JSON) and edited. <see cref="Field"/> is the attribute, the tag key, the issue
/// state or what a frequency counts, depending on <see cref="Kind"/>; <see cref="Value"/> what it is compared with
/// (for a frequency, the count to exceed within <see cref="Minutes"/>).
/// </summary>
internal sealed record RuleCondition
{
    public required ConditionKind Kind { get; init; }

    public string? Field { get; init; }

    public MatchOperator Operator { get; init; }

    public string? Value { get; init; }

    /// <summary>A frequency's window in minutes.</summary>
    public int? Minutes { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ConditionKind>))]
internal enum ConditionKind
{
    /// <summary>An event attribute (<see cref="RuleVocabulary.Attributes"/>).</summary>
    [JsonStringEnumMemberName("attribute")]
    Attribute,

    /// <summary>A tag of the event, <c>tags[key]</c>.</summary>
    [JsonStringEnumMemberName("tag")]
    Tag,

    /// <summary>The event's level compared by rank: equal to, at least, at most.</summary>
    [JsonStringEnumMemberName("level")]
    Level,

    /// <summary>The issue's state: <c>first_seen</c>, <c>regression</c>, <c>unassigned</c>, <c>assigned_to</c>.</summary>
    [JsonStringEnumMemberName("issue")]
    Issue,

    /// <summary>
    /// More than <see cref="RuleCondition.Value"/> deliveries that met the rule's other conditions within
    /// <see cref="RuleCondition.Minutes"/>: <c>issue_events</c> (events of this issue) or <c>distinct_issues</c>.
    /// </summary>
    [JsonStringEnumMemberName("frequency")]
    Frequency,
}

/// <summary>Sentry's match types (<c>src/sentry/rules/match.py</c>), by their codes, plus a regular expression.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MatchOperator>))]
internal enum MatchOperator
{
    [JsonStringEnumMemberName("eq")]
    Equals,

    [JsonStringEnumMemberName("ne")]
    NotEquals,

    [JsonStringEnumMemberName("sw")]
    StartsWith,

    [JsonStringEnumMemberName("nsw")]
    NotStartsWith,

    [JsonStringEnumMemberName("ew")]
    EndsWith,

    [JsonStringEnumMemberName("new")]
    NotEndsWith,

    [JsonStringEnumMemberName("co")]
    Contains,

    [JsonStringEnumMemberName("nc")]
    NotContains,

    [JsonStringEnumMemberName("is")]
    IsSet,

    [JsonStringEnumMemberName("ns")]
    NotSet,

    [JsonStringEnumMemberName("in")]
    IsIn,

    [JsonStringEnumMemberName("nin")]
    NotIn,

    /// <summary>A .NET regular expression, case-insensitive, with a match timeout.</summary>
    [JsonStringEnumMemberName("re")]
    Matches,

    /// <summary>Levels only: at least as severe.</summary>
    [JsonStringEnumMemberName("gte")]
    AtLeast,

    /// <summary>Levels only: at most as severe.</summary>
    [JsonStringEnumMemberName("lte")]
    AtMost,
}
