using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Tickets;

/// <summary>What the ticket pages read, always within the reader's organizations.</summary>
internal sealed class TicketDirectory(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int PageSize = 200;

    public async Task<IReadOnlyList<TicketRow>> ListAsync(AccessScope scope, TicketStatus? status, string? text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tickets = scope.Filter(db.Tickets.AsNoTracking(), t => t.OrganizationId);
        if (status is { } wanted)
        {
            tickets = tickets.Where(t => t.Status == wanted);
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            var trimmed = text.Trim().TrimStart('#');
            var pattern = SqlLike.Containing(trimmed);
            int? number = int.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
            tickets = tickets.Where(t => t.Number == number || EF.Functions.Like(SqlLike.Lower(t.Title), pattern, SqlLike.Escape) || EF.Functions.Like(SqlLike.Lower(t.AssigneeName), pattern, SqlLike.Escape));
        }

        return await tickets
            .OrderByDescending(t => t.UpdatedAt)
            .Take(PageSize)
            .Select(t => new TicketRow(t.Id, t.OrganizationId, t.Organization!.Slug, t.Number, t.Title, t.Status, t.Priority, t.AssigneeName, t.Links.Count, t.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The ticket with its links and comments, or null when it does not exist or is another organization's.</summary>
    public async Task<Ticket?> GetAsync(int id, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ticket = await scope.Filter(db.Tickets.AsNoTracking(), t => t.OrganizationId)
            .Include(t => t.Organization)
            .Include(t => t.Links.OrderBy(l => l.LinkedAt))
            .Include(t => t.Comments.OrderBy(c => c.CreatedAt))
            .AsSplitQuery()
            .FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return ticket;
    }

    /// <summary>The people a ticket of organization <paramref name="organizationId"/> can be assigned to.</summary>
    public async Task<IReadOnlyList<OrganizationPerson>> PeopleAsync(long organizationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.OrganizationPeople.AsNoTracking().Where(p => p.OrganizationId == organizationId).OrderBy(p => p.Name).ToListAsync(cancellationToken);
    }
}

/// <summary>A line of the tickets list.</summary>
internal sealed record TicketRow(
    int Id, long OrganizationId, string OrganizationSlug, int Number, string Title, TicketStatus Status, TicketPriority Priority, string? AssigneeName, int LinkedIssues, DateTimeOffset UpdatedAt);
