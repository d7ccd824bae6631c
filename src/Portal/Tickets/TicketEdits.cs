using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Tickets;

/// <summary>
/// What people change on a ticket in the portal, within their access: priority and assignee for any member; status
/// and comments, which reach the linked Sentry issues, for roles that may manage integrations. And what became of
/// those pushes.
/// </summary>
internal sealed class TicketEdits(TicketWriter writer, TimeProvider time)
{
    /// <summary>
    /// A person's change to status, priority or assignee; false when the ticket is not theirs to change (a status
    /// change needs a role that may manage integrations, as it reaches Sentry) or the assignee is not someone of its
    /// organization.
    /// </summary>
    public async Task<bool> UpdateAsync(int id, AccessScope scope, TicketStatus status, TicketPriority priority, string? assigneeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await writer.WriteAsync(async db =>
        {
            var ticket = await scope.Filter(db.Tickets, t => t.OrganizationId).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (ticket is null || (ticket.Status != status && !scope.CanManage(ticket.OrganizationId)))
            {
                return false;
            }

            string? assigneeName = null;
            if (assigneeId is not null && (assigneeName = await OrganizationPeople.NameOfAsync(db, ticket.OrganizationId, assigneeId, cancellationToken)) is null)
            {
                return false;
            }

            var now = time.GetUtcNow();
            if (ticket.Status != status)
            {
                ticket.Status = status;
                ticket.StatusChangedAt = now;
            }

            ticket.Priority = priority;
            ticket.AssigneeId = assigneeId;
            ticket.AssigneeName = assigneeName;
            ticket.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>A comment (pushed to Sentry next); its id, or null when the ticket is not theirs to comment on.</summary>
    public async Task<int?> AddCommentAsync(int id, AccessScope scope, string text, string author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return await writer.WriteAsync(async db =>
        {
            // Comments are posted to the linked Sentry issues: only a role that may manage integrations writes them.
            var ticket = await scope.Filter(db.Tickets, t => t.OrganizationId).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (ticket is null || !scope.CanManage(ticket.OrganizationId))
            {
                return (int?)null;
            }

            var now = time.GetUtcNow();
            var comment = new TicketComment { TicketId = ticket.Id, Text = text.Trim(), Author = author, CreatedAt = now, FromPortal = true };
            db.TicketComments.Add(comment);
            ticket.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return comment.Id;
        }, cancellationToken);
    }

    /// <summary>Records the outcome of pushing the ticket's status to Sentry (null error: Sentry agrees).</summary>
    public Task RecordStatusPushAsync(int ticketId, string? error, CancellationToken cancellationToken) =>
        writer.WriteAsync(async db =>
        {
            await db.Tickets.Where(t => t.Id == ticketId).ExecuteUpdateAsync(t => t.SetProperty(x => x.SentrySyncError, error), cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>Records the id Sentry gave the portal's comment when it was posted there.</summary>
    public Task RecordCommentPushAsync(int commentId, long sentryCommentId, CancellationToken cancellationToken) =>
        writer.WriteAsync(async db =>
        {
            await db.TicketComments.Where(c => c.Id == commentId && c.SentryCommentId == null)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.SentryCommentId, sentryCommentId), cancellationToken);
            return true;
        }, cancellationToken);
}
