namespace Portal.Data.Entities;

/// <summary>
/// A Sentry issue linked to a ticket. Sentry keeps one external issue per (issue, app), so an issue is linked to
/// at most one ticket per organization; linking it again moves the link.
/// </summary>
public sealed class IssueLink
{
    public int Id { get; init; }

    public int TicketId { get; set; }

    public Ticket? Ticket { get; set; }

    /// <summary>Sentry's id of the organization this belongs to: the tenant key.</summary>
    public required long OrganizationId { get; init; }

    /// <summary>Sentry's issue (group) id.</summary>
    public required long SentryIssueId { get; init; }

    /// <summary>The installation the link came through: its token updates the issue from the portal side.</summary>
    public required Guid InstallationUuid { get; set; }

    /// <summary>The short id (<c>FRONT-END-9</c>) once known; a link made from the modal only has the number.</summary>
    public string? ShortId { get; set; }

    public string? ProjectSlug { get; set; }

    public string? WebUrl { get; set; }

    /// <summary>The issue's status as Sentry last told us (<c>resolved</c>, <c>unresolved</c>, <c>ignored</c>).</summary>
    public string? SentryStatus { get; set; }

    /// <summary>When Sentry said <see cref="SentryStatus"/>: a webhook's send time, or when the issue was read.</summary>
    public DateTimeOffset? SentryStatusAt { get; set; }

    /// <summary>The Sentry user the issue was last seen assigned to; null when unassigned or assigned to a team.</summary>
    public string? SentryAssigneeId { get; set; }

    public required string LinkedBy { get; set; }

    public required DateTimeOffset LinkedAt { get; set; }

    /// <summary>When Sentry's sidebar was told of a link made from the portal side; null until then.</summary>
    public DateTimeOffset? RegisteredWithSentryAt { get; set; }
}
