using Portal.Data.Entities;

namespace Portal.Tickets;

/// <summary>What a new ticket starts with.</summary>
internal sealed record TicketDraft(string Title, string Description, TicketPriority Priority, string? AssigneeId, string? AssigneeName);
