using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SignIn;

namespace Portal.Tickets;

/// <summary>
/// The people the portal has met in an organization — who signed in, who linked an issue, who was assigned one in
/// Sentry — and so can be offered as a ticket's assignee, by Sentry user id as Sentry's own assignee is.
/// </summary>
internal sealed class OrganizationPeople(TicketWriter writer, TimeProvider time) : ISignInListener
{
    /// <summary>The name of someone the portal knows in the organization, or null: only such people can be assignees.</summary>
    public static Task<string?> NameOfAsync(PortalDbContext db, long organizationId, string sentryUserId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.OrganizationPeople.Where(p => p.OrganizationId == organizationId && p.SentryUserId == sentryUserId).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Adds (or renames) a person within the caller's write, saved with it. Unchanged people are not rewritten
    /// (LastSeenAt moves at most hourly), so a known person costs a read, not a write.
    /// </summary>
    public async Task RememberAsync(PortalDbContext db, long organizationId, string sentryUserId, string name)
    {
        ArgumentNullException.ThrowIfNull(db);
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

    /// <summary>Whoever signs in can be given tickets in each of their organizations that installed the app.</summary>
    public Task SignedInAsync(SignedInPerson person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var ids = person.OrganizationIds.Distinct().ToList();
        return writer.WriteAsync(async db =>
        {
            foreach (var organization in await db.Installations
                .Where(i => i.OrganizationId != null && ids.Contains(i.OrganizationId.Value) && i.Status != InstallationStatus.Uninstalled)
                .Select(i => i.OrganizationId!.Value).Distinct().ToListAsync(cancellationToken))
            {
                await RememberAsync(db, organization, person.SentryUserId, person.Name);
            }

            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }
}
