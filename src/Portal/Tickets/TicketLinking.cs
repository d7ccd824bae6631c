using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform.Payloads;

namespace Portal.Tickets;

/// <summary>
/// Tickets made from Sentry issues and issues linked to tickets: one ticket per Sentry issue and organization, as
/// Sentry keeps one external issue per (issue, app); linking an issue elsewhere moves the link, as Sentry's sidebar
/// does.
/// </summary>
internal sealed class TicketLinking(TicketWriter writer, OrganizationPeople people, TimeProvider time)
{
    /// <summary>The ticket the Sentry issue is linked to, made now from <paramref name="draft"/> when there is none.</summary>
    public async Task<(Ticket Ticket, bool Created)> CreateForIssueAsync(TicketDraft draft, LinkedIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(issue);
        return await writer.WriteAsync(async db =>
        {
            await RememberActorAsync(db, issue);
            var existing = await db.IssueLinks.Include(l => l.Ticket)
                .FirstOrDefaultAsync(l => l.OrganizationId == issue.OrganizationId && l.SentryIssueId == issue.SentryIssueId, cancellationToken);
            if (existing?.Ticket is { } linked)
            {
                Refresh(existing, issue);
                await db.SaveChangesAsync(cancellationToken);
                return (linked, false);
            }

            var now = time.GetUtcNow();
            var ticket = new Ticket
            {
                OrganizationId = issue.OrganizationId,
                Number = await TicketWriter.NextNumberAsync(db, issue.OrganizationId, cancellationToken),
                Title = draft.Title,
                Description = draft.Description,
                Priority = draft.Priority,
                AssigneeId = draft.AssigneeId,
                AssigneeName = draft.AssigneeName,
                CreatedBy = issue.LinkedBy,
                CreatedAt = now,
                UpdatedAt = now,
            };
            ticket.Links.Add(NewLink(issue, now));
            db.Tickets.Add(ticket);
            await db.SaveChangesAsync(cancellationToken);
            return (ticket, true);
        }, cancellationToken);
    }

    /// <summary>
    /// Links the Sentry issue to ticket <paramref name="number"/> of the issue's organization; null when there is
    /// no such ticket there. An issue already linked elsewhere moves.
    /// </summary>
    public async Task<Ticket?> LinkIssueAsync(int number, LinkedIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return await writer.WriteAsync(async db =>
        {
            var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.OrganizationId == issue.OrganizationId && t.Number == number, cancellationToken);
            if (ticket is null)
            {
                return null;
            }

            await RememberActorAsync(db, issue);
            var now = time.GetUtcNow();
            var link = await db.IssueLinks.FirstOrDefaultAsync(l => l.OrganizationId == issue.OrganizationId && l.SentryIssueId == issue.SentryIssueId, cancellationToken);
            if (link is null)
            {
                db.IssueLinks.Add(NewLink(issue, now, ticket.Id));
            }
            else
            {
                if (link.TicketId != ticket.Id)
                {
                    link.TicketId = ticket.Id;
                    link.LinkedBy = issue.LinkedBy;
                    link.LinkedAt = now;
                }

                Refresh(link, issue);
            }

            ticket.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return ticket;
        }, cancellationToken);
    }

    /// <summary>Records what Sentry said of an issue linked from the portal side, and that its sidebar knows.</summary>
    public Task RecordRegisteredLinkAsync(long organizationId, SentryIssue? issue, long issueId, CancellationToken cancellationToken) =>
        writer.WriteAsync(async db =>
        {
            var link = await db.IssueLinks.FirstOrDefaultAsync(l => l.OrganizationId == organizationId && l.SentryIssueId == issueId, cancellationToken);
            if (link is not null)
            {
                link.RegisteredWithSentryAt = time.GetUtcNow();
                if (issue is not null)
                {
                    (link.ShortId, link.ProjectSlug, link.SentryStatus) = (issue.ShortId ?? link.ShortId, issue.ProjectSlug ?? link.ProjectSlug, issue.Status);
                    link.WebUrl ??= issue.WebUrl;
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            return true;
        }, cancellationToken);

    /// <summary>A new link of <paramref name="issue"/> to ticket <paramref name="ticketId"/> (0: the ticket being added with it).</summary>
    public static IssueLink NewLink(LinkedIssue issue, DateTimeOffset now, int ticketId = 0)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new()
        {
            TicketId = ticketId,
            OrganizationId = issue.OrganizationId,
            SentryIssueId = issue.SentryIssueId,
            InstallationUuid = issue.InstallationUuid,
            ProjectSlug = issue.ProjectSlug,
            WebUrl = issue.WebUrl,
            LinkedBy = issue.LinkedBy,
            LinkedAt = now,
        };
    }

    // The person who links an issue is someone to offer as an assignee next time; saved with the link itself.
    private Task RememberActorAsync(PortalDbContext db, LinkedIssue issue) =>
        issue.LinkedById is { } id ? people.RememberAsync(db, issue.OrganizationId, id, issue.LinkedBy) : Task.CompletedTask;

    private static void Refresh(IssueLink link, LinkedIssue issue)
    {
        link.InstallationUuid = issue.InstallationUuid;
        link.ProjectSlug = issue.ProjectSlug ?? link.ProjectSlug;
        link.WebUrl = issue.WebUrl ?? link.WebUrl;
    }
}
