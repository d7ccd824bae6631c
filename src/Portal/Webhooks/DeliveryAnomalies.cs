using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;

namespace Portal.Webhooks;

/// <summary>
/// Flags what is odd about a delivery when it is processed, after Sentry has its 2xx (design.md §5): an installation
/// the portal does not know (orphan) or no longer serves (uninstalled), a body it cannot read (unparsed), and a
/// Request-ID seen again with another body.
/// </summary>
internal sealed partial class DeliveryAnomalies(WebhookMetrics metrics, WarningThrottle throttle, ILogger<DeliveryAnomalies> logger)
{
    /// <summary>What the portal knows of the installations <paramref name="deliveries"/> name, read once per pass.</summary>
    public static async Task<Dictionary<Guid, KnownInstallation>> InstallationsOfAsync(
        PortalDbContext db, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deliveries);
        var uuids = deliveries.Where(d => d.InstallationUuid.HasValue).Select(d => d.InstallationUuid!.Value).Distinct().ToList();
        return await db.Installations.AsNoTracking()
            .Where(i => uuids.Contains(i.Uuid))
            .ToDictionaryAsync(i => i.Uuid, i => new KnownInstallation(i.OrganizationId, i.Status == InstallationStatus.Uninstalled), cancellationToken);
    }

    /// <summary>
    /// Names the delivery's organization and flags it orphan or uninstalled. An orphan is a delivery whose installation
    /// is still unknown now, when it is processed: one that arrived just before its installation.created is looked up
    /// again, not judged by the batch's first look in <paramref name="known"/> (which this keeps current).
    /// </summary>
    public async Task ResolveInstallationAsync(PortalDbContext db, WebhookDelivery delivery, Dictionary<Guid, KnownInstallation> known)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(known);
        if (delivery.InstallationUuid is not { } uuid)
        {
            return;
        }

        if (delivery.Resource == WebhookCatalog.Installation || !known.ContainsKey(uuid))
        {
            // The handler may just have recorded it, or something else did since the batch was read.
            if (await LookUpAsync(db, uuid) is { } found)
            {
                known[uuid] = found;
            }
        }

        if (known.TryGetValue(uuid, out var installation))
        {
            delivery.OrganizationId = installation.OrganizationId ?? delivery.OrganizationId;
            delivery.Flags &= ~DeliveryFlags.Orphan;
            if (installation.Uninstalled && delivery.Resource != WebhookCatalog.Installation)
            {
                delivery.Flags |= DeliveryFlags.Uninstalled;
            }
        }
        else if (!delivery.Flags.HasFlag(DeliveryFlags.Orphan))
        {
            delivery.Flags |= DeliveryFlags.Orphan;
            metrics.Flagged("orphan");
            if (throttle.ShouldLog($"orphan:{uuid}", out var more))
            {
                LogOrphan(delivery.Id, uuid, more);
            }
        }
    }

    /// <summary>
    /// The intake only reads the envelope; a body that is not valid JSON throughout (or repeats a property name,
    /// which different parsers resolve differently) is kept as unparsed rather than retried: retrying cannot fix it.
    /// </summary>
    public void FlagUnparsed(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        delivery.Flags |= DeliveryFlags.Unparsed;
        metrics.Flagged("unparsed");
        LogUnparsedBody(delivery.Id);
    }

    /// <summary>
    /// Sentry gives every attempt a new Request-ID, so one seen again with a different body is an anomaly worth a look
    /// (reliability.md W7); both deliveries are kept. Reported once, on every delivery after the first.
    /// </summary>
    public async Task ReportReusedRequestIdsAsync(PortalDbContext db, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deliveries);
        var requestIds = deliveries.Where(d => d.Attempts == 0 && d.RequestId is not null).Select(d => d.RequestId!).Distinct().ToList();
        if (requestIds.Count == 0)
        {
            return;
        }

        var firsts = await FirstsOfReusedAsync(db, requestIds, cancellationToken);
        foreach (var delivery in deliveries.Where(d => d.Attempts == 0 && d.RequestId is not null && firsts.TryGetValue(d.RequestId, out var first) && first != d.Id))
        {
            metrics.Flagged("request_id_reused");
            LogRequestIdReused(delivery.Id, UntrustedText.ForLog(delivery.RequestId), firsts[delivery.RequestId!]);
        }
    }

    // The first delivery of each Request-ID that more than one delivery carries.
    private static async Task<Dictionary<string, long>> FirstsOfReusedAsync(PortalDbContext db, List<string> requestIds, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            // One index probe per Request-ID, whatever the statistics say. Given the list as `= ANY(...)`, PostgreSQL
            // planned from statistics taken when the table was a fraction of its size and compared every row with
            // every id (a sequential scan: 30–60 ms per pass under load, docs/benchmarks.md). count(*) beside min()
            // also keeps min() from becoming a walk of the primary key.
            var rows = await db.Database.SqlQuery<RequestIdFirst>($"""
                SELECT r.id AS "RequestId", f.first AS "First"
                FROM unnest({requestIds.ToArray()}) AS r(id)
                CROSS JOIN LATERAL (
                    SELECT min("Id") AS first, count(*) AS n FROM "WebhookDeliveries" WHERE "RequestId" = r.id) AS f
                WHERE f.n > 1
                """).ToListAsync(cancellationToken);
            return rows.ToDictionary(row => row.RequestId, row => row.First);
        }

        return await db.WebhookDeliveries
            .Where(d => d.RequestId != null && requestIds.Contains(d.RequestId))
            .GroupBy(d => d.RequestId!)
            .Where(group => group.Count() > 1)
            .Select(group => new { RequestId = group.Key, First = group.Min(d => d.Id) })
            .ToDictionaryAsync(group => group.RequestId, group => group.First, cancellationToken);
    }

    // Not cancelled on shutdown: the delivery being processed is finished, and only then does the pass stop.
    private static async Task<KnownInstallation?> LookUpAsync(PortalDbContext db, Guid uuid) =>
        await db.Installations.AsNoTracking().Where(i => i.Uuid == uuid)
            .Select(i => new KnownInstallation(i.OrganizationId, i.Status == InstallationStatus.Uninstalled))
            .FirstOrDefaultAsync(CancellationToken.None);

    private sealed record RequestIdFirst(string RequestId, long First);

    /// <summary>An installation as a delivery's flags need it: its organization (null while unknown), and whether it is gone.</summary>
    internal sealed record KnownInstallation(long? OrganizationId, bool Uninstalled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} names installation {InstallationUuid}, which the portal does not know (orphan; {Suppressed} more since the last warning)")]
    private partial void LogOrphan(long deliveryId, Guid installationUuid, long suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} is not JSON the portal can read (for example a repeated property); kept as unparsed")]
    private partial void LogUnparsedBody(long deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} reuses Request-ID {RequestId} of delivery {FirstDeliveryId} with a different body; both are kept")]
    private partial void LogRequestIdReused(long deliveryId, string requestId, long firstDeliveryId);
}
