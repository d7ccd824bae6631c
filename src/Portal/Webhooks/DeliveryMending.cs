using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.Realtime;
using Portal.Tenancy;

namespace Portal.Webhooks;

/// <summary>
/// Mends the deliveries processed before their installation, or its organization, was known, so that they are no
/// orphans and belong to its organization.
/// </summary>
/// <remarks>
/// Follows <see cref="InstallationOrganizations.Learned"/> from construction and wakes the processor, whose loop
/// mends between passes.
/// </remarks>
internal sealed partial class DeliveryMending : IDisposable
{
    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly InstallationOrganizations installations;
    private readonly OrganizationDirectory organizations;
    private readonly DeliveryPublisher stream;
    private readonly WorkSignal signal;
    private readonly TimeProvider time;
    private readonly ILogger<DeliveryMending> logger;

    // Installations that became known (or whose organization did) since the last mending: their earlier deliveries are mended.
    private readonly ConcurrentQueue<(Guid Installation, long? Organization)> learned = new();

    public DeliveryMending(
        IDbContextFactory<PortalDbContext> dbFactory,
        InstallationOrganizations installations,
        OrganizationDirectory organizations,
        DeliveryPublisher stream,
        WorkSignal signal,
        TimeProvider time,
        ILogger<DeliveryMending> logger)
    {
        this.dbFactory = dbFactory;
        this.installations = installations;
        this.organizations = organizations;
        this.stream = stream;
        this.signal = signal;
        this.time = time;
        this.logger = logger;
        installations.Learned += Learn;
    }

    /// <summary>
    /// At start-up: deliveries stored before their installation (or its organization) was known, whatever happened
    /// while the portal was down, and rows carried over from storage without organization ids.
    /// </summary>
    public async Task MendAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var all = await db.Installations.AsNoTracking().Select(i => new { i.Uuid, i.OrganizationId }).ToListAsync(cancellationToken);
        foreach (var installation in all)
        {
            await MendAsync(db, installation.Uuid, installation.OrganizationId, cancellationToken);
        }
    }

    /// <summary>
    /// Mends what was learned since the last call. Call it between passes, after the previous pass's outcomes are
    /// committed, so no outcome written later undoes it.
    /// </summary>
    public async Task MendLearnedAsync(CancellationToken cancellationToken)
    {
        if (learned.IsEmpty)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        while (learned.TryDequeue(out var item))
        {
            await MendAsync(db, item.Installation, item.Organization, cancellationToken);
        }
    }

    public void Dispose() => installations.Learned -= Learn;

    private void Learn(Guid installation, long? organization)
    {
        learned.Enqueue((installation, organization));
        signal.Notify();
    }

    // Only deliveries the processor is done with: one still due gets its flags and organization when it is processed.
    private async Task MendAsync(PortalDbContext db, Guid installation, long? organization, CancellationToken cancellationToken)
    {
        var mending = db.WebhookDeliveries.Where(d => d.InstallationUuid == installation
            && (d.State != DeliveryState.Pending && d.State != DeliveryState.Retrying)
            && ((d.Flags & DeliveryFlags.Orphan) != 0 || (organization != null && d.OrganizationId != organization)));
        var ids = await mending.OrderByDescending(d => d.Id).Select(d => d.Id).Take(DeliveryHistory.MaxBackfill).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return;
        }

        var mended = await mending.ExecuteUpdateAsync(set => set
            .SetProperty(d => d.Flags, d => d.Flags & ~DeliveryFlags.Orphan)
            .SetProperty(d => d.OrganizationId, d => organization ?? d.OrganizationId), cancellationToken);
        LogMended(mended, installation);

        var publishedAt = time.GetUtcNow();
        foreach (var delivery in await db.WebhookDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync(cancellationToken))
        {
            stream.Publish(DeliverySummary.From(delivery, DeliverySummaryKind.StateChanged, publishedAt, organizations.SlugOf(delivery.OrganizationId)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} earlier deliveries of installation {InstallationUuid} now name its organization")]
    private partial void LogMended(int count, Guid installationUuid);
}
