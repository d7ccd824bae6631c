using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SignIn;

namespace Portal.Tickets;

/// <summary>
/// Every change to tickets and their links goes through here. Writes are serialised in the process (ticket
/// numbers are per organization, max + 1) and the unique indexes settle the rest, so a create repeated by a
/// double click, a retry or a second portal instance still makes one ticket per Sentry issue.
/// </summary>
internal sealed class TicketService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim writes = new(1, 1);

    /// <summary>The ticket the Sentry issue is linked to, made now from <paramref name="draft"/> when there is none.</summary>
    public async Task<(Ticket Ticket, bool Created)> CreateForIssueAsync(TicketDraft draft, LinkedIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(issue);
        return await WriteAsync(async db =>
        {
            var existing = await db.IssueLinks.Include(l => l.Ticket)
                .FirstOrDefaultAsync(l => l.OrganizationSlug == issue.OrganizationSlug && l.SentryIssueId == issue.SentryIssueId, cancellationToken);
            if (existing?.Ticket is { } linked)
            {
                Refresh(existing, issue);
                await db.SaveChangesAsync(cancellationToken);
                return (linked, false);
            }

            var now = time.GetUtcNow();
            var number = (await db.Tickets.Where(t => t.OrganizationSlug == issue.OrganizationSlug).MaxAsync(t => (int?)t.Number, cancellationToken) ?? 0) + 1;
            var ticket = new Ticket
            {
                OrganizationSlug = issue.OrganizationSlug,
                Number = number,
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
    /// no such ticket there. An issue already linked elsewhere moves, as Sentry's sidebar does.
    /// </summary>
    public async Task<Ticket?> LinkIssueAsync(int number, LinkedIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return await WriteAsync(async db =>
        {
            var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.OrganizationSlug == issue.OrganizationSlug && t.Number == number, cancellationToken);
            if (ticket is null)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var link = await db.IssueLinks.FirstOrDefaultAsync(l => l.OrganizationSlug == issue.OrganizationSlug && l.SentryIssueId == issue.SentryIssueId, cancellationToken);
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

    /// <summary>
    /// An admin's change to status, priority or assignee; false when the ticket is not theirs to change or the
    /// assignee is not someone of its organization.
    /// </summary>
    public async Task<bool> UpdateAsync(int id, AccessScope scope, TicketStatus status, TicketPriority priority, string? assigneeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await WriteAsync(async db =>
        {
            var ticket = await TicketDirectory.Within(db.Tickets, scope).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (ticket is null)
            {
                return false;
            }

            string? assigneeName = null;
            if (assigneeId is not null
                && (assigneeName = await db.OrganizationPeople.Where(p => p.OrganizationSlug == ticket.OrganizationSlug && p.SentryUserId == assigneeId)
                    .Select(p => p.Name).FirstOrDefaultAsync(cancellationToken)) is null)
            {
                return false;
            }

            ticket.Status = status;
            ticket.Priority = priority;
            ticket.AssigneeId = assigneeId;
            ticket.AssigneeName = assigneeName;
            ticket.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>An admin's comment; false when the ticket is not theirs.</summary>
    public async Task<bool> AddCommentAsync(int id, AccessScope scope, string text, string author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return await WriteAsync(async db =>
        {
            var ticket = await TicketDirectory.Within(db.Tickets, scope).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (ticket is null)
            {
                return false;
            }

            var now = time.GetUtcNow();
            db.TicketComments.Add(new TicketComment { TicketId = ticket.Id, Text = text.Trim(), Author = author, CreatedAt = now });
            ticket.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>Remembers someone as a possible assignee in the organization (a new name replaces the old one).</summary>
    public async Task RememberPersonAsync(string organizationSlug, string sentryUserId, string name, CancellationToken cancellationToken)
    {
        await WriteAsync(async db =>
        {
            var person = await db.OrganizationPeople.FirstOrDefaultAsync(p => p.OrganizationSlug == organizationSlug && p.SentryUserId == sentryUserId, cancellationToken);
            if (person is null)
            {
                db.OrganizationPeople.Add(new OrganizationPerson { OrganizationSlug = organizationSlug, SentryUserId = sentryUserId, Name = name, LastSeenAt = time.GetUtcNow() });
            }
            else
            {
                person.Name = name;
                person.LastSeenAt = time.GetUtcNow();
            }

            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    private async Task<T> WriteAsync<T>(Func<PortalDbContext, Task<T>> write, CancellationToken cancellationToken)
    {
        await writes.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                try
                {
                    return await write(db);
                }
                catch (DbUpdateException exception) when (attempt < 3 && exception.InnerException is SqliteException { SqliteErrorCode: 19 })
                {
                    // Another process made the same ticket number or link first: read again and decide again.
                }
            }
        }
        finally
        {
            writes.Release();
        }
    }

    public void Dispose() => writes.Dispose();

    private static IssueLink NewLink(LinkedIssue issue, DateTimeOffset now, int ticketId = 0) => new()
    {
        TicketId = ticketId,
        OrganizationSlug = issue.OrganizationSlug,
        SentryIssueId = issue.SentryIssueId,
        InstallationUuid = issue.InstallationUuid,
        ProjectSlug = issue.ProjectSlug,
        WebUrl = issue.WebUrl,
        LinkedBy = issue.LinkedBy,
        LinkedAt = now,
    };

    private static void Refresh(IssueLink link, LinkedIssue issue)
    {
        link.InstallationUuid = issue.InstallationUuid;
        link.ProjectSlug = issue.ProjectSlug ?? link.ProjectSlug;
        link.WebUrl = issue.WebUrl ?? link.WebUrl;
    }
}

/// <summary>What a new ticket starts with.</summary>
internal sealed record TicketDraft(string Title, string Description, TicketPriority Priority, string? AssigneeId, string? AssigneeName);

/// <summary>The Sentry issue being linked, and through which installation and by whom.</summary>
internal sealed record LinkedIssue(
    string OrganizationSlug, long SentryIssueId, Guid InstallationUuid, string? ProjectSlug, string? WebUrl, string LinkedBy);
