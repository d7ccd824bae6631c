using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Tickets;

/// <summary>
/// The one way tickets are written: serialised in the process (numbers are per organization, max + 1) and retried
/// when the unique indexes say another process wrote the same number or link first, so a create repeated by a
/// double click, a retry or a second instance still makes one ticket.
/// </summary>
internal sealed class TicketWriter(IDbContextFactory<PortalDbContext> dbFactory) : IDisposable
{
    private readonly SemaphoreSlim writes = new(1, 1);

    /// <summary>Runs <paramref name="write"/> under the lock with a fresh context; again (up to three times) after a unique violation.</summary>
    public async Task<T> WriteAsync<T>(Func<PortalDbContext, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
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

    /// <summary>The organization's next ticket number (max + 1); callers hold the write lock, the unique index settles other processes.</summary>
    public static async Task<int> NextNumberAsync(PortalDbContext db, long organizationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await db.Tickets.Where(t => t.OrganizationId == organizationId).MaxAsync(t => (int?)t.Number, cancellationToken) ?? 0) + 1;
    }

    public void Dispose() => writes.Dispose();
}
