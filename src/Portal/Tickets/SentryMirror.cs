using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.SentryPlatform.Payloads;

namespace Portal.Tickets;

/// <summary>
/// Sentry → portal: what Sentry says of a linked issue (its status and assignee) and of the comments on it, mirrored
/// on the ticket. Order-independent (an older word changes nothing) and echo-aware: the portal's own changes coming
/// back from Sentry with the app as actor are recognised, not applied twice (reliability.md W8).
/// </summary>
internal sealed class SentryMirror(TicketWriter writer, OrganizationPeople people, TimeProvider time)
{
    /// <summary>
    /// What Sentry says of a linked issue: its status (resolved, ignored, unresolved) and assignee. A word older than
    /// what the link already holds, or than an admin's own change of the ticket, is ignored; so is one that arrives
    /// while the ticket's last push to Sentry failed (the portal's change has not reached Sentry yet). Returns the
    /// ticket id when something changed.
    /// </summary>
    public async Task<int?> ApplySentryIssueAsync(long organizationId, SentryIssue issue, DateTimeOffset said, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return await writer.WriteAsync(async db =>
        {
            var link = await db.IssueLinks.Include(l => l.Ticket)
                .FirstOrDefaultAsync(l => l.OrganizationId == organizationId && l.SentryIssueId == issue.Id, cancellationToken);
            if (link?.Ticket is not { } ticket || said < link.SentryStatusAt || said < ticket.StatusChangedAt || ticket.SentrySyncError is not null)
            {
                return (int?)null;
            }

            link.ShortId = issue.ShortId ?? link.ShortId;
            link.ProjectSlug = issue.ProjectSlug ?? link.ProjectSlug;
            var statusChanged = link.SentryStatus != issue.Status;
            link.SentryStatus = issue.Status;
            link.SentryStatusAt = said;
            var changed = statusChanged && Follow(ticket, issue.Status);

            var assigneeId = issue.Assignee is { Type: "user" } user ? user.Id : null;
            if (assigneeId != link.SentryAssigneeId)
            {
                link.SentryAssigneeId = assigneeId;
                if (issue.Assignee is { Type: "user" } person)
                {
                    await people.RememberAsync(db, organizationId, person.Id, person.Name);
                    (ticket.AssigneeId, ticket.AssigneeName) = (person.Id, person.Name);
                    changed = true;
                }
            }

            if (changed)
            {
                ticket.UpdatedAt = time.GetUtcNow();
            }

            await db.SaveChangesAsync(cancellationToken);
            return changed ? ticket.Id : null;
        }, cancellationToken);
    }

    /// <summary>
    /// A comment made, edited or deleted on a linked Sentry issue, mirrored on the ticket. Deletion is final; an
    /// edit older than the text held is ignored; a comment the portal itself posted (it comes back with the app as
    /// actor) is recognised by its text and not mirrored twice.
    /// </summary>
    public async Task<bool> ApplySentryCommentAsync(long organizationId, SentryComment comment, DateTimeOffset said, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return await writer.WriteAsync(async db =>
        {
            var ticketId = await db.IssueLinks.Where(l => l.OrganizationId == organizationId && l.SentryIssueId == comment.IssueId)
                .Select(l => (int?)l.TicketId).FirstOrDefaultAsync(cancellationToken);
            if (ticketId is not { } id)
            {
                return false;
            }

            var mirrored = await db.TicketComments.FirstOrDefaultAsync(c => c.TicketId == id && c.SentryCommentId == comment.Id, cancellationToken);
            if (mirrored is null && comment.ByApplication)
            {
                // Our own push coming back: attach Sentry's id to the portal's comment instead of copying it.
                var own = (await db.TicketComments.Where(c => c.TicketId == id && c.FromPortal && c.SentryCommentId == null).ToListAsync(cancellationToken))
                    .FirstOrDefault(c => comment.Text == c.Text || comment.Text.StartsWith(c.Text + IssueSync.Signature, StringComparison.Ordinal));
                if (own is not null)
                {
                    own.SentryCommentId = comment.Id;
                    await db.SaveChangesAsync(cancellationToken);
                    return false;
                }
            }

            if (mirrored?.FromPortal == true && comment.Action != SentryCommentAction.Deleted)
            {
                return false;
            }

            var now = time.GetUtcNow();
            if (mirrored is null)
            {
                mirrored = new TicketComment
                {
                    TicketId = id, SentryCommentId = comment.Id, Text = comment.Text, Author = comment.Author,
                    CreatedAt = comment.CreatedAt ?? said, SentryUpdatedAt = said,
                    DeletedAt = comment.Action == SentryCommentAction.Deleted ? now : null,
                };
                db.TicketComments.Add(mirrored);
            }
            else if (mirrored.DeletedAt is not null)
            {
                return false;
            }
            else if (comment.Action == SentryCommentAction.Deleted)
            {
                mirrored.DeletedAt = now;
            }
            else if (comment.Action == SentryCommentAction.Updated && said >= mirrored.SentryUpdatedAt && mirrored.Text != comment.Text)
            {
                (mirrored.Text, mirrored.UpdatedAt, mirrored.SentryUpdatedAt) = (comment.Text, now, said);
            }
            else
            {
                return false;
            }

            var ticket = await db.Tickets.FirstAsync(t => t.Id == id, cancellationToken);
            ticket.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    // resolved → Resolved, ignored → Ignored, unresolved → Open again unless someone is already working on it.
    private static bool Follow(Ticket ticket, string sentryStatus)
    {
        var status = sentryStatus switch
        {
            "resolved" => TicketStatus.Resolved,
            "ignored" or "archived" or "muted" => TicketStatus.Ignored,
            "unresolved" when ticket.IsClosed => TicketStatus.Open,
            _ => ticket.Status,
        };
        if (status == ticket.Status)
        {
            return false;
        }

        ticket.Status = status;
        return true;
    }

}
