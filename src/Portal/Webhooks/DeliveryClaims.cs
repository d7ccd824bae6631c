using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Scaleout;
using Portal.Shell;

namespace Portal.Webhooks;

/// <summary>
/// Which due deliveries this instance processes. On PostgreSQL several instances share the table, so a pass claims
/// its batch (<c>FOR UPDATE SKIP LOCKED</c>: instances never wait for, nor take, each other's rows) for
/// <see cref="ProcessingPace.ClaimLease"/>, renews the claim while it works and releases it with the outcome; the
/// claim of an instance that died lapses and another instance takes the delivery. On SQLite one process owns the
/// file and takes what is due without claiming.
/// </summary>
/// <remarks>
/// Leases are read on each instance's clock: keep the instances' clocks in sync (NTP) to well within a lease.
/// </remarks>
internal sealed partial class DeliveryClaims(
    PortalDataSettings settings,
    IDbContextFactory<PortalDbContext> dbFactory,
    ProcessingPace pace,
    IOptions<PortalOptions> options,
    InstanceMessages instance,
    TimeProvider time,
    ILogger<DeliveryClaims> logger)
{
    private TimeSpan Lease => pace.ClaimLease;

    private TimeProvider Time => time;

    /// <summary>What this process writes in <see cref="WebhookDelivery.ClaimedBy"/>: its instance name, then a per-process id.</summary>
    public string Claimant { get; } = Name(options.Value.ResolvedInstanceName, instance.InstanceId);

    /// <summary>Up to <paramref name="count"/> due deliveries in arrival order, claimed for this instance on PostgreSQL.</summary>
    public async Task<List<WebhookDelivery>> TakeDueAsync(PortalDbContext db, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();
        if (!settings.IsPostgres)
        {
            return await db.WebhookDeliveries.AsNoTracking()
                .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptAt <= now)
                .OrderBy(d => d.Id)
                .Take(count)
                .ToListAsync(cancellationToken);
        }

        // States 0 and 2 are Pending and Retrying, as in the due index's filter.
        var nowTicks = now.UtcTicks;
        var until = (now + pace.ClaimLease).UtcTicks;

        // Read the due index in its own order, which stops after `count` rows; any other plan reads the whole backlog
        // (a bitmap scan and a sort) or every processed row before it (the primary key with a filter). PostgreSQL's
        // statistics lag a queue that grows by thousands a second, and it chose each of those under load (measured:
        // 17–85 ms per claim, so the processor fell further behind the more it had to do). Ordering by both columns
        // (the same order, ids being unique) leaves the due index the only plan without a sort.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(
            "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off",
            cancellationToken);
        var ids = await db.Database.SqlQuery<long>($"""
            UPDATE "WebhookDeliveries" SET "ClaimedBy" = {Claimant}, "ClaimedUntil" = {until}
            WHERE "Id" IN (
                SELECT "Id" FROM "WebhookDeliveries"
                WHERE "State" IN (0, 2) AND "NextAttemptAt" <= {nowTicks} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" < {nowTicks})
                ORDER BY "Id", "NextAttemptAt"
                LIMIT {count}
                FOR UPDATE SKIP LOCKED)
            RETURNING "Id" AS "Value"
            """).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return [];
        }

        return await db.WebhookDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Keeps <paramref name="deliveries"/>' claims alive until disposed, then releases those whose outcomes were not
    /// recorded (what a stopped pass did not finish is due again at once, not after the lease). Nothing to do on SQLite.
    /// </summary>
    public ClaimHold Hold(IReadOnlyCollection<WebhookDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        return settings.IsPostgres && deliveries.Count > 0 ? new Holding(this, [.. deliveries.Select(d => d.Id)]) : NoHolding.Instance;
    }

    /// <summary>When the earliest delivery still to process is due, counting another instance's claim as not yet due.</summary>
    public static IQueryable<DateTimeOffset?> NextDue(PortalDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.WebhookDeliveries
            .Where(d => d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying)
            .Select(d => d.ClaimedUntil != null && d.ClaimedUntil > d.NextAttemptAt ? d.ClaimedUntil : (DateTimeOffset?)d.NextAttemptAt)
            .OrderBy(due => due);
    }

    internal static string Name(string instanceName, string processId)
    {
        var suffix = ":" + processId[..Math.Min(8, processId.Length)];
        return instanceName[..Math.Min(instanceName.Length, Limits.Claimant - suffix.Length)] + suffix;
    }

    private async Task RenewAsync(long[] ids, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var until = (time.GetUtcNow() + pace.ClaimLease).UtcTicks;
        await db.Database.ExecuteSqlAsync(
            $"""UPDATE "WebhookDeliveries" SET "ClaimedUntil" = {until} WHERE "Id" = ANY({ids}) AND "ClaimedBy" = {Claimant}""",
            cancellationToken);
    }

    private async Task ReleaseAsync(long[] ids)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
            await db.Database.ExecuteSqlAsync(
                $"""UPDATE "WebhookDeliveries" SET "ClaimedBy" = NULL, "ClaimedUntil" = NULL WHERE "Id" = ANY({ids}) AND "ClaimedBy" = {Claimant}""",
                timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The claims lapse on their own after the lease.
            LogReleaseFailed(exception, ids.Length);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the claim on {Count} deliveries; another instance may take them when it lapses")]
    private partial void LogRenewFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the claim on {Count} deliveries; they are due again when it lapses")]
    private partial void LogReleaseFailed(Exception exception, int count);

    private sealed class Holding : ClaimHold
    {
        private readonly DeliveryClaims claims;
        private readonly HashSet<long> held;
        private readonly long[] ids;
        private readonly CancellationTokenSource stop = new();
        private readonly Task renewing;

        public Holding(DeliveryClaims claims, long[] ids)
        {
            this.claims = claims;
            this.ids = ids;
            held = [.. ids];
            renewing = RenewUntilStoppedAsync();
        }

        // Recording an outcome ends its claim in the same update.
        public override void Settled(IEnumerable<long> recorded)
        {
            lock (held)
            {
                held.ExceptWith(recorded);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await renewing;
            stop.Dispose();
            long[] unsettled;
            lock (held)
            {
                unsettled = [.. held];
            }

            if (unsettled.Length > 0)
            {
                await claims.ReleaseAsync(unsettled);
            }
        }

        // A third of the lease apart, so two renewals may fail before the claim lapses.
        private async Task RenewUntilStoppedAsync()
        {
            var interval = claims.Lease / 3;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, claims.Time, stop.Token);
                    await claims.RenewAsync(ids, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    claims.LogRenewFailed(exception, ids.Length);
                }
            }
        }
    }

    private sealed class NoHolding : ClaimHold
    {
        public static readonly NoHolding Instance = new();

        public override void Settled(IEnumerable<long> recorded)
        {
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A pass's claims, held until disposed; what it recorded is <see cref="Settled"/> and not released again.</summary>
internal abstract class ClaimHold : IAsyncDisposable
{
    /// <summary>These deliveries' outcomes are recorded, which ended their claims.</summary>
    public abstract void Settled(IEnumerable<long> recorded);

    public abstract ValueTask DisposeAsync();
}
