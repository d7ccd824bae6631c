using Portal.Data.Entities;
using Portal.Tickets;

namespace Portal.AlertRuleActions;

/// <summary>An alert rule's firing (or a metric alert's resolution) as the ticket it concerns.</summary>
internal sealed record AlertTicket(
    long OrganizationId, string Kind, string RuleKey, string SubjectKey, string RuleName, bool Resolved,
    string Title, string Description, TicketPriority Priority, string? AssigneeId, LinkedIssue? Issue, string Note);
