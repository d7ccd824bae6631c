namespace Portal.Data.Entities;

/// <summary>
/// A portal ticket: one organization's piece of work, made from a Sentry issue (or by an alert rule) and kept
/// in sync with the Sentry issues linked to it. Numbered per organization: Sentry shows it as <c>PORTAL#17</c>.
/// </summary>
public sealed class Ticket
{
    public int Id { get; init; }

    /// <summary>Sentry's id of the organization this belongs to: the tenant key.</summary>
    public required long OrganizationId { get; init; }

    /// <summary>The organization, for its slug; loaded only where a page shows it.</summary>
    public Organization? Organization { get; init; }

    /// <summary>The number Sentry shows (<c>identifier</c>), unique within the organization.</summary>
    public required int Number { get; init; }

    public required string Title { get; set; }

    public string Description { get; set; } = "";

    public TicketStatus Status { get; set; }

    public TicketPriority Priority { get; set; } = TicketPriority.Medium;

    /// <summary>Sentry user id of the assignee, as the assignee select's value; null when unassigned.</summary>
    public string? AssigneeId { get; set; }

    public string? AssigneeName { get; set; }

    /// <summary>Who made it: a Sentry user's name, or the alert rule.</summary>
    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When an admin last changed the status here; an older word from Sentry does not undo it.</summary>
    public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>Why the last push of this ticket's status to its Sentry issues failed; null when Sentry agrees.</summary>
    public string? SentrySyncError { get; set; }

    public List<IssueLink> Links { get; init; } = [];

    public List<TicketComment> Comments { get; init; } = [];

    public Guid ConcurrencyToken { get; set; } = Guid.NewGuid();

    /// <summary>Resolved or ignored: nothing left to do unless it happens again.</summary>
    public bool IsClosed => Status is TicketStatus.Resolved or TicketStatus.Ignored;
}
