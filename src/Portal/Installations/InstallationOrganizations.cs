using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Scaleout;

namespace Portal.Installations;

/// <summary>
/// The installations the portal knows and the organization (Sentry's id) each belongs to, in memory, so a
/// delivery's live "stored" message can name its organization at once (and reach that organization's members)
/// without a query on the ingest path. Filled at start-up and kept current by whatever records an installation;
/// <see cref="Learned"/> tells the webhook processor, which then mends deliveries that arrived before.
/// </summary>
/// <remarks>
/// What one instance learns reaches the others on Redis at once, and each raises <see cref="Learned"/> for it, so
/// every instance mends its own deliveries; without Redis (or while it is unreachable) they find it in the database
/// on <see cref="CacheRefresher"/>'s interval. Lookups stay a dictionary read either way.
/// </remarks>
internal sealed class InstallationOrganizations : IHostedService, IInstanceCache
{
    /// <summary>The Redis channel's name after the prefix.</summary>
    public const string ChannelName = "installations";

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly InstanceChannel<InstallationLearned> otherInstances;
    private readonly Lock gate = new();

    // Installation uuid → its organization's id, null while Sentry has not said it.
    private readonly ConcurrentDictionary<Guid, long?> installations = new();

    public InstallationOrganizations(IDbContextFactory<PortalDbContext> dbFactory, InstanceMessages instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        this.dbFactory = dbFactory;
        otherInstances = instances.Open<InstallationLearned>(ChannelName, capacity: 1024);
        otherInstances.Received += learned => Learn(learned.Installation, learned.Organization, fromElsewhere: true);
    }

    /// <summary>An installation became known, or its organization did: (installation uuid, organization id or null).</summary>
    public event Action<Guid, long?>? Learned;

    public long? Find(Guid? installationUuid) =>
        installationUuid is { } uuid && installations.TryGetValue(uuid, out var id) ? id : null;

    /// <summary>Whether the portal has a record of this installation (its organization may still be unknown).</summary>
    public bool IsKnown(Guid installationUuid) => installations.ContainsKey(installationUuid);

    public void Remember(Guid installationUuid, long? organizationId)
    {
        if (Learn(installationUuid, organizationId, fromElsewhere: false) is { } learned)
        {
            otherInstances.Publish(learned);
        }
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

    /// <summary>Learns what the database knows that this instance does not (recorded by another instance).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var installation in await db.Installations.AsNoTracking().Select(i => new { i.Uuid, i.OrganizationId }).ToListAsync(cancellationToken))
        {
            if (!installations.TryGetValue(installation.Uuid, out var known) || (installation.OrganizationId is not null && known != installation.OrganizationId))
            {
                Learn(installation.Uuid, installation.OrganizationId, fromElsewhere: true);
            }
        }
    }

    // Null when nothing was new. Word from elsewhere (another instance, the database) may arrive late: it never
    // takes a real organization back to a provisional one, which only ever turns into a real one.
    private InstallationLearned? Learn(Guid installationUuid, long? organizationId, bool fromElsewhere)
    {
        long? now;
        lock (gate)
        {
            var known = installations.TryGetValue(installationUuid, out var previous);
            if (known && (organizationId is null || previous == organizationId || (fromElsewhere && previous > 0 && organizationId < 0)))
            {
                return null;
            }

            now = organizationId ?? previous;
            installations[installationUuid] = now;
        }

        Learned?.Invoke(installationUuid, now);
        return new InstallationLearned(installationUuid, now);
    }
}
