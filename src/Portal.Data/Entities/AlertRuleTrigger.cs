namespace Portal.Data.Entities;

/// <summary>
/// The ticket an alert rule opened (design.md §4): one per (organization, rule, issue) for issue alerts and per
/// (organization, alert rule, incident) for metric alerts, so a rule firing again updates its ticket instead of
/// opening another.
/// </summary>
public sealed class AlertRuleTrigger
{
    public int Id { get; init; }

    /// <summary>Sentry's id of the organization this belongs to: the tenant key.</summary>
    public required long OrganizationId { get; init; }

    /// <summary><c>issue</c> (event_alert) or <c>metric</c> (metric_alert).</summary>
    public required string Kind { get; init; }

    /// <summary>Sentry's rule id (<c>issue_alert.id</c>, <c>alert_rule.id</c>).</summary>
    public required string RuleKey { get; init; }

    /// <summary>The Sentry issue id (issue alerts) or the incident identifier (metric alerts).</summary>
    public required string SubjectKey { get; init; }

    public int TicketId { get; init; }

    /// <summary>When Sentry sent the newest webhook applied (its send time): an older one changes nothing.</summary>
    public required DateTimeOffset LastEventAt { get; set; }
}
