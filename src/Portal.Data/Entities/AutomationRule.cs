namespace Portal.Data.Entities;

/// <summary>
/// One of an organization's automations: when a delivery of one of <see cref="Triggers"/> arrives (for one of
/// <see cref="Projects"/>, or any), and <see cref="Match"/> of its <see cref="Conditions"/> hold, its
/// <see cref="Actions"/> run in order. Rules run in <see cref="Position"/> order; an action may stop the later ones.
/// </summary>
public sealed class AutomationRule
{
    public int Id { get; init; }

    /// <summary>Sentry's id of the organization this belongs to: the tenant key.</summary>
    public required long OrganizationId { get; init; }

    /// <summary>The organization, for its slug; loaded only where a page shows it.</summary>
    public Organization? Organization { get; init; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public AutomationMode Mode { get; set; }

    /// <summary>Order among the organization's rules, lowest first.</summary>
    public int Position { get; set; }

    /// <summary>Sentry project slugs, comma-separated; null for every project.</summary>
    public string? Projects { get; set; }

    /// <summary>resource.action pairs (<c>issue.created</c>), comma-separated.</summary>
    public required string Triggers { get; set; }

    public ConditionMatch Match { get; set; }

    /// <summary>The conditions as JSON (the portal's own schema, see Automations/RuleDefinition).</summary>
    public required string Conditions { get; set; }

    /// <summary>The actions as JSON, in the order they run.</summary>
    public required string Actions { get; set; }

    /// <summary>
    /// The Standard Webhooks secret (<c>whsec_…</c>) its forwards are signed with, protected with the Data Protection
    /// key ring; null until the rule forwards anywhere.
    /// </summary>
    public string? ProtectedSigningSecret { get; set; }

    /// <summary>Most actions a minute this rule takes in its organization; past it, runs are recorded as suppressed.</summary>
    public int ActionsPerMinute { get; set; } = 60;

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Whether a rule acts, or only records what it would have done.</summary>
public enum AutomationMode
{
    Live = 0,
    DryRunOnly = 1,
}

/// <summary>How a rule's conditions combine.</summary>
public enum ConditionMatch
{
    All = 0,
    Any = 1,
    None = 2,
}
