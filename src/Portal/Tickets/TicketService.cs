using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform.Payloads;
using Portal.Tenancy;

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
                Number = await NextNumberAsync(db, issue.OrganizationId, cancellationToken),
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

    /// <summary>
    /// A person's change to status, priority or assignee; false when the ticket is not theirs to change (a status
    /// change needs a role that may manage integrations, as it reaches Sentry) or the assignee is not someone of its
    /// organization.
    /// </summary>
    public async Task<bool> UpdateAsync(int id, AccessScope scope, TicketStatus status, TicketPriority priority, string? assigneeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await WriteAsync(async db =>
        {
            var ticket = await scope.Filter(db.Tickets, t => t.OrganizationId).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (ticket is null)
            {
                return false;
            }

            // A status change is pushed to the linked Sentry issues: only a role that may manage integrations makes it.
            if (ticket.Status != status && !scope.CanManage(ticket.OrganizationId))
            {
                return false;
            }

            string? assigneeName = null;
            if (assigneeId is not null && (assigneeName = await NameOfAsync(db, ticket.OrganizationId, assigneeId, cancellationToken)) is null)
            {
                return false;
            }

            if (ticket.Status != status)
            {
                ticket.Status = status;
                ticket.StatusChangedAt = time.GetUtcNow();
            }

            ticket.Priority = priority;
            ticket.AssigneeId = assigneeId;
            ticket.AssigneeName = assigneeName;
            ticket.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>A comment (pushed to Sentry next); its id, or null when the ticket is not theirs to comment on.</summary>
    public async Task<int?> AddCommentAsync(int id, AccessScope scope, string text, string author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return await WriteAsync(async db =>
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

    /// <summary>
    /// What Sentry says of a linked issue: its status (resolved, ignored, unresolved) and assignee. A word older than
    /// what the link already holds, or than an admin's own change of the ticket, is ignored; so is one that arrives
    /// while the ticket's last push to Sentry failed (the portal's change has not reached Sentry yet). Returns the
    /// ticket id when something changed.
    /// </summary>
    public async Task<int?> ApplySentryIssueAsync(long organizationId, SentryIssue issue, DateTimeOffset said, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return await WriteAsync(async db =>
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
                    await RememberAsync(db, organizationId, person.Id, person.Name);
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
        return await WriteAsync(async db =>
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

    /// <summary>
    /// What an alert rule firing (or a metric alert resolving) means for its ticket: the first firing opens one (or
    /// takes the ticket already linked to the issue), a later one reopens it if closed and notes the firing, a
    /// resolution resolves it. A webhook older than the last one applied changes nothing. Returns the ticket id.
    /// </summary>
    public async Task<int?> ApplyAlertAsync(AlertTicket alert, DateTimeOffset said, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return await WriteAsync(async db =>
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
                var assigneeName = alert.AssigneeId is { } assignee ? await NameOfAsync(db, alert.OrganizationId, assignee, cancellationToken) : null;
                ticket = new Ticket
                {
                    OrganizationId = alert.OrganizationId, Number = await NextNumberAsync(db, alert.OrganizationId, cancellationToken), Title = alert.Title, Description = alert.Description,
                    Priority = alert.Priority, AssigneeId = assigneeName is null ? null : alert.AssigneeId, AssigneeName = assigneeName,
                    CreatedBy = alert.RuleName, CreatedAt = now, UpdatedAt = now,
                };
                if (alert.Issue is { } newIssue)
                {
                    ticket.Links.Add(NewLink(newIssue, now));
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

    /// <summary>Records the outcome of pushing the ticket's status to Sentry (null error: Sentry agrees).</summary>
    public Task RecordStatusPushAsync(int ticketId, string? error, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            await db.Tickets.Where(t => t.Id == ticketId).ExecuteUpdateAsync(t => t.SetProperty(x => x.SentrySyncError, error), cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>Records the id Sentry gave the portal's comment when it was posted there.</summary>
    public Task RecordCommentPushAsync(int commentId, long sentryCommentId, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            await db.TicketComments.Where(c => c.Id == commentId && c.SentryCommentId == null)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.SentryCommentId, sentryCommentId), cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>Records what Sentry said of an issue linked from the portal side, and that its sidebar knows.</summary>
    public Task RecordRegisteredLinkAsync(long organizationId, SentryIssue? issue, long issueId, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
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

    // resolved → Resolved, ignored → Ignored, unresolved → Open again unless someone is already working on it.
    private static bool Follow(Ticket ticket, string sentryStatus)
    {
        var status = sentryStatus switch
        {
            "resolved" => TicketStatus.Resolved,
            "ignored" or "archived" or "muted" => TicketStatus.Ignored,
            "unresolved" when IsClosed(ticket) => TicketStatus.Open,
            _ => ticket.Status,
        };
        if (status == ticket.Status)
        {
            return false;
        }

        ticket.Status = status;
        return true;
    }

    private static bool IsClosed(Ticket ticket) => ticket.Status is TicketStatus.Resolved or TicketStatus.Ignored;

    // An alert firing on a ticket: noted on it, and a closed ticket opens again (a resolution was set just before).
    private static void NoteFiring(PortalDbContext db, Ticket ticket, AlertTicket alert, DateTimeOffset now)
    {
        if (!alert.Resolved && IsClosed(ticket))
        {
            ticket.Status = TicketStatus.Open;
        }

        ticket.UpdatedAt = now;
        db.TicketComments.Add(new TicketComment { TicketId = ticket.Id, Text = alert.Note, Author = alert.RuleName, CreatedAt = now });
    }

    // Per organization, max + 1: callers hold the write lock, and the unique index settles other processes.
    private static async Task<int> NextNumberAsync(PortalDbContext db, long organizationId, CancellationToken cancellationToken) =>
        (await db.Tickets.Where(t => t.OrganizationId == organizationId).MaxAsync(t => (int?)t.Number, cancellationToken) ?? 0) + 1;

    /// <summary>The name of someone the portal knows in the organization, or null: only such people can be assignees.</summary>
    internal static Task<string?> NameOfAsync(PortalDbContext db, long organizationId, string sentryUserId, CancellationToken cancellationToken) =>
        db.OrganizationPeople.Where(p => p.OrganizationId == organizationId && p.SentryUserId == sentryUserId).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken);

    // The person who links an issue is someone to offer as an assignee next time; saved with the link itself.
    private Task RememberActorAsync(PortalDbContext db, LinkedIssue issue) =>
        issue.LinkedById is { } id ? RememberAsync(db, issue.OrganizationId, id, issue.LinkedBy) : Task.CompletedTask;

    // Unchanged people are not rewritten (LastSeenAt moves at most hourly), so a known actor costs a read, not a write.
    private async Task RememberAsync(PortalDbContext db, long organizationId, string sentryUserId, string name)
    {
        var now = time.GetUtcNow();
        var person = db.OrganizationPeople.Local.FirstOrDefault(p => p.OrganizationId == organizationId && p.SentryUserId == sentryUserId)
            ?? await db.OrganizationPeople.FirstOrDefaultAsync(p => p.OrganizationId == organizationId && p.SentryUserId == sentryUserId);
        if (person is null)
        {
            db.OrganizationPeople.Add(new OrganizationPerson { OrganizationId = organizationId, SentryUserId = sentryUserId, Name = name, LastSeenAt = now });
        }
        else if (person.Name != name || now - person.LastSeenAt > TimeSpan.FromHours(1))
        {
            (person.Name, person.LastSeenAt) = (name, now);
        }
    }

    /// <summary>Remembers a person who signed in as a possible assignee in each of their organizations that installed the app.</summary>
    public async Task RememberMemberAsync(string sentryUserId, string name, IEnumerable<long> organizations, CancellationToken cancellationToken)
    {
        var ids = organizations.Distinct().ToList();
        await WriteAsync(async db =>
        {
            foreach (var organization in await db.Installations.Where(i => i.OrganizationId != null && ids.Contains(i.OrganizationId.Value) && i.Status != InstallationStatus.Uninstalled)
                .Select(i => i.OrganizationId!.Value).Distinct().ToListAsync(cancellationToken))
            {
                await RememberAsync(db, organization, sentryUserId, name);
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
                catch (DbUpdateException exception) when (attempt < 3 && exception.IsUniqueViolation())
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
        OrganizationId = issue.OrganizationId,
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

/// <summary>An alert rule's firing (or a metric alert's resolution) as the ticket it concerns.</summary>
internal sealed record AlertTicket(
    long OrganizationId, string Kind, string RuleKey, string SubjectKey, string RuleName, bool Resolved,
    string Title, string Description, TicketPriority Priority, string? AssigneeId, LinkedIssue? Issue, string Note);

/// <summary>What a new ticket starts with.</summary>
internal sealed record TicketDraft(string Title, string Description, TicketPriority Priority, string? AssigneeId, string? AssigneeName);

/// <summary>The Sentry issue being linked, and through which installation and by whom.</summary>
internal sealed record LinkedIssue(
    long OrganizationId, long SentryIssueId, Guid InstallationUuid, string? ProjectSlug, string? WebUrl, string LinkedBy, string? LinkedById = null);
