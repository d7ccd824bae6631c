namespace Portal.Data.Entities;

/// <summary>
/// A delivery that met a rule's conditions other than its frequency ones, kept for those: "more than N events of
/// this issue in M minutes" and "more than N distinct issues in M minutes" count a rule's recent sightings.
/// </summary>
public sealed class AutomationSighting
{
    public required int RuleId { get; init; }

    public required long DeliveryId { get; init; }

    public required long OrganizationId { get; init; }

    /// <summary>Sentry's issue (group) id, when the delivery names one.</summary>
    public long? IssueId { get; init; }

    /// <summary>Sentry's event id, when the delivery carries an event: one event seen through two resources counts once.</summary>
    public string? EventId { get; init; }

    public required DateTimeOffset At { get; init; }
}
