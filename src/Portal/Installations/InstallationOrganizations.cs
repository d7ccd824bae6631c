using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Installations;

/// <summary>
/// The installations the portal knows and the organization (Sentry's id) each belongs to, in memory, so a
/// delivery's live "stored" message can name its organization at once (and reach that organization's members)
/// without a query on the ingest path. Filled at start-up and kept current by whatever records an installation;
/// <see cref="Learned"/> tells the webhook processor, which then mends deliveries that arrived before.
/// </summary>
internal sealed class InstallationOrganizations(IDbContextFactory<PortalDbContext> dbFactory) : IHostedService
{
    // Installation uuid → its organization's id, null while Sentry has not said it.
    private readonly ConcurrentDictionary<Guid, long?> installations = new();

    /// <summary>An installation became known, or its organization did: (installation uuid, organization id or null).</summary>
    public event Action<Guid, long?>? Learned;

    public long? Find(Guid? installationUuid) =>
        installationUuid is { } uuid && installations.TryGetValue(uuid, out var id) ? id : null;

    /// <summary>Whether the portal has a record of this installation (its organization may still be unknown).</summary>
    public bool IsKnown(Guid installationUuid) => installations.ContainsKey(installationUuid);

    public void Remember(Guid installationUuid, long? organizationId)
    {
        var known = installations.TryGetValue(installationUuid, out var previous);
        if (known && (organizationId is null || previous == organizationId))
        {
            return;
        }

        installations[installationUuid] = organizationId ?? previous;
        Learned?.Invoke(installationUuid, organizationId ?? previous);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var installation in await db.Installations.AsNoTracking().Select(i => new { i.Uuid, i.OrganizationId }).ToListAsync(cancellationToken))
        {
            installations[installation.Uuid] = installation.OrganizationId;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
