using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Realtime;

/// <summary>Reads summaries back from the database: the first page of a dashboard, and the gap a client missed (S2).</summary>
public sealed class DeliveryHistory(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Most a client is caught up with in one go; further behind, it should reload.</summary>
    public const int MaxBackfill = 500;

    /// <summary>Deliveries after <paramref name="afterId"/>, oldest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<DeliverySummary>> AfterAsync(long afterId, int max, AccessScope scope, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Summaries(scope.Filter(db.WebhookDeliveries, d => d.OrganizationId).Where(d => d.Id > afterId).OrderBy(d => d.Id).Take(max))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The newest <paramref name="count"/> deliveries, newest first.</summary>
    public async Task<IReadOnlyList<DeliverySummary>> LatestAsync(int count, AccessScope scope, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Summaries(scope.Filter(db.WebhookDeliveries, d => d.OrganizationId).OrderByDescending(d => d.Id).Take(count))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// One page of the deliveries that match <paramref name="filter"/>, newest first, older than
    /// <paramref name="beforeId"/> when given: keyset paging on the primary key, so the thousandth page costs what
    /// the first does.
    /// </summary>
    public async Task<IReadOnlyList<DeliverySummary>> SearchAsync(
        DeliveryFilter filter, long? beforeId, int count, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deliveries = filter.Apply(scope.Filter(db.WebhookDeliveries, d => d.OrganizationId));
        if (beforeId is { } before)
        {
            deliveries = deliveries.Where(d => d.Id < before);
        }

        return await Summaries(deliveries.OrderByDescending(d => d.Id).Take(count)).ToListAsync(cancellationToken);
    }

    public async Task<long> LatestIdAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebhookDeliveries.MaxAsync(d => (long?)d.Id, cancellationToken) ?? 0;
    }

    // Projects without the body: summaries never carry it, and it is the bulk of every row.
    private IQueryable<DeliverySummary> Summaries(IQueryable<WebhookDelivery> deliveries)
    {
        var now = time.GetUtcNow();
        return deliveries.AsNoTracking().Select(d => new DeliverySummary(
            d.Id, DeliverySummaryKind.Backfill, d.ReceivedAt, now, d.Resource, d.Action, d.InstallationUuid, d.OrganizationId, d.Organization!.Slug,
            DeliveryFlagNames.Of(d.Flags), d.State, d.Attempts, d.Summary, d.LastError, d.RequestId));
    }
}
