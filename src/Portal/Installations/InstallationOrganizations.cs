using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Installations;

/// <summary>
/// Which organization each known installation belongs to, in memory, so a delivery's live "stored" message can
/// name its organization at once (and reach that organization's members) without a query on the ingest path.
/// Filled at start-up and kept current by whatever records an installation; the processor still resolves the
/// organization for the stored row, so a miss here only delays who sees the live message.
/// </summary>
internal sealed class InstallationOrganizations(IDbContextFactory<PortalDbContext> dbFactory) : IHostedService
{
    private readonly ConcurrentDictionary<Guid, string> organizations = new();

    public string? Find(Guid? installationUuid) =>
        installationUuid is { } uuid && organizations.TryGetValue(uuid, out var slug) ? slug : null;

    public void Remember(Guid installationUuid, string organizationSlug)
    {
        if (organizationSlug.Length > 0)
        {
            organizations[installationUuid] = organizationSlug;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var installation in await db.Installations.AsNoTracking().Select(i => new { i.Uuid, i.OrganizationSlug }).ToListAsync(cancellationToken))
        {
            Remember(installation.Uuid, installation.OrganizationSlug);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
