namespace Portal.Data.Entities;

/// <summary>
/// Someone the portal has met in an organization — signed in, linked an issue, was assigned one in Sentry — and
/// so can be offered as a ticket's assignee. Identified by Sentry user id, as Sentry's own assignee is.
/// </summary>
public sealed class OrganizationPerson
{
    public int Id { get; init; }

    /// <summary>Sentry's id of the organization this belongs to: the tenant key.</summary>
    public required long OrganizationId { get; init; }

    public required string SentryUserId { get; init; }

    public required string Name { get; set; }

    public required DateTimeOffset LastSeenAt { get; set; }
}
