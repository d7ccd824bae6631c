using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tickets;

namespace Portal.AlertRuleActions;

/// <summary>
/// The tickets alert rules keep: one per (organization, rule, issue) for issue alerts and per (organization, alert
/// rule, incident) for metric alerts, noted again when the rule fires again and resolved with the incident.
/// </summary>
internal sealed class AlertTickets(TicketWriter writer, TimeProvider time)
{
    /// <summary>
    /// What an alert rule firing (or a metric alert resolving) means for its ticket: the first firing opens one (or
    /// takes the ticket already linked to the issue), a later one reopens it if closed and notes the firing, a
    /// resolution resolves it. A webhook older than the last one applied changes nothing. Returns the ticket id.
    /// </summary>
    public async Task<int?> ApplyAlertAsync(AlertTicket alert, DateTimeOffset said, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return await writer.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var trigger = await db.AlertRuleTriggers.FirstOrDefaultAsync(t => t.OrganizationId == alert.OrganizationId && t.Kind == alert.Kind
                && t.RuleKey == alert.RuleKey && t.SubjectKey == alert.SubjectKey, cancellationToken);
            if (trigger is not null)
            {
                if (said < trigger.LastEventAt)
                {
                    return (int?)null;
                }

                var existing = await db.Tickets.FirstAsync(t => t.Id == trigger.TicketId, cancellationToken);
                trigger.LastEventAt = said;
                if (alert.Resolved)
                {
                    existing.Status = TicketStatus.Resolved;
                }

                NoteFiring(db, existing, alert, now);
                await db.SaveChangesAsync(cancellationToken);
                return existing.Id;
            }

            if (alert.Resolved)
            {
                return null;
            }

            // The ticket and its trigger are one change: both or neither.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var linked = alert.Issue is { } issue
                ? await db.IssueLinks.Where(l => l.OrganizationId == alert.OrganizationId && l.SentryIssueId == issue.SentryIssueId).Select(l => (int?)l.TicketId).FirstOrDefaultAsync(cancellationToken)
                : null;
            Ticket ticket;
            if (linked is { } ticketId)
            {
                ticket = await db.Tickets.FirstAsync(t => t.Id == ticketId, cancellationToken);
                NoteFiring(db, ticket, alert, now);
            }
            else
            {
                var assigneeName = alert.AssigneeId is { } assignee ? await OrganizationPeople.NameOfAsync(db, alert.OrganizationId, assignee, cancellationToken) : null;
                ticket = new Ticket
                {
                    OrganizationId = alert.OrganizationId, Number = await TicketWriter.NextNumberAsync(db, alert.OrganizationId, cancellationToken), Title = alert.Title, Description = alert.Description,
                    Priority = alert.Priority, AssigneeId = assigneeName is null ? null : alert.AssigneeId, AssigneeName = assigneeName,
                    CreatedBy = alert.RuleName, CreatedAt = now, UpdatedAt = now,
                };
                if (alert.Issue is { } newIssue)
                {
                    ticket.Links.Add(TicketLinking.NewLink(newIssue, now));
                }

                db.Tickets.Add(ticket);
                await db.SaveChangesAsync(cancellationToken);
            }

            db.AlertRuleTriggers.Add(new AlertRuleTrigger
            {
                OrganizationId = alert.OrganizationId, Kind = alert.Kind, RuleKey = alert.RuleKey, SubjectKey = alert.SubjectKey,
                TicketId = ticket.Id, LastEventAt = said,
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ticket.Id;
        }, cancellationToken);
    }

    // An alert firing on a ticket: noted on it, and a closed ticket opens again (a resolution was set just before).
    private static void NoteFiring(PortalDbContext db, Ticket ticket, AlertTicket alert, DateTimeOffset now)
    {
        if (!alert.Resolved && ticket.IsClosed)
        {
            ticket.Status = TicketStatus.Open;
        }

        ticket.UpdatedAt = now;
        db.TicketComments.Add(new TicketComment { TicketId = ticket.Id, Text = alert.Note, Author = alert.RuleName, CreatedAt = now });
    }
}
