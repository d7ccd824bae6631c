using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.SentryPlatform;

namespace Portal.Webhooks;

/// <summary>
/// Works through committed deliveries in arrival order, after Sentry has its 2xx (store, acknowledge, then
/// process). A failing delivery is retried on <see cref="ProcessingSchedule"/> without holding up the ones behind
/// it, and is marked dead after the last attempt. State lives in the table, so work resumes after a restart.
/// Reads are its own; its writes go through the <see cref="DeliveryWriter"/>.
/// </summary>
internal sealed partial class DeliveryProcessor(
    IDbContextFactory<PortalDbContext> dbFactory,
    DeliveryWriter writer,
    WebhookDispatcher dispatcher,
    DeliveryPublisher stream,
    WorkSignal signal,
    WebhookMetrics metrics,
    WarningThrottle throttle,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger) : BackgroundService
{
    public const int BatchSize = 200;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = WebhookEnvelope.ReaderOptions.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>How long new work may wait to be taken together with what follows it.</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>How long to sleep when nothing is due and nothing new arrives (retries come due on their own).</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ProcessDueAsync(stoppingToken) == 0)
                {
                    var nextDue = await NextDueAsync(stoppingToken);
                    await signal.WaitAsync(Clamp(nextDue - time.GetUtcNow()), time, stoppingToken);

                    // Let a few more commits land so one pass takes a batch, not one delivery: the per-pass queries
                    // and the outcome commit are the processor's fixed cost. A batching window, not business time,
                    // so real time rather than the TimeProvider.
                    await Task.Delay(GatherWindow, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong, the intake keeps acknowledging and the next pass tries again: a crashed
                // background service would stop the whole host.
                LogLoopFailed(exception);
                await signal.WaitAsync(IdleWait, time, stoppingToken);
            }
        }
    }

    /// <summary>Processes one batch of due deliveries; returns how many it took.</summary>
    internal async Task<int> ProcessDueAsync(CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var now = time.GetUtcNow();
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Failed) && d.NextAttemptAt <= now)
            .OrderBy(d => d.Id)
            .Take(BatchSize)
            .ToListAsync(stoppingToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var organizations = await OrganizationsOfAsync(db, due, stoppingToken);
        await ReportReusedRequestIdsAsync(db, due, stoppingToken);
        var done = new List<WebhookDelivery>(due.Count);
        foreach (var delivery in due)
        {
            // Stop between items on shutdown; what is not done stays due and is taken after the restart (D6).
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await ProcessAsync(db, delivery, organizations);
            done.Add(delivery);
        }

        // Outcomes go through the single writer, so processing never contends with the ingest for the write lock.
        if (!await writer.RecordAsync(new ProcessingOutcomes(done), CancellationToken.None))
        {
            // Not recorded: the same deliveries are due again (handlers are idempotent), after the loop's pause.
            return stoppingToken.IsCancellationRequested
                ? 0
                : throw new InvalidOperationException("The writer could not record processing outcomes.");
        }

        var publishedAt = time.GetUtcNow();
        foreach (var delivery in done)
        {
            stream.Publish(DeliverySummary.From(delivery, DeliverySummaryKind.StateChanged, publishedAt));
        }

        return done.Count;
    }

    // The processor sleeps until the next scheduled retry (at most IdleWait), unless the writer signals new work first.
    private async Task<DateTimeOffset> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var next = await db.WebhookDeliveries
            .Where(d => d.State == DeliveryState.Pending || d.State == DeliveryState.Failed)
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => (DateTimeOffset?)d.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken);
        return next ?? time.GetUtcNow() + IdleWait;
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleWait ? IdleWait : wait;

    private async Task ProcessAsync(PortalDbContext db, WebhookDelivery delivery, Dictionary<Guid, string> organizations)
    {
        delivery.Attempts++;

        // The stored bytes must still be what Sentry signed; if the disk corrupted them, no retry can help.
        if (!SHA256.HashData(delivery.Body).AsSpan().SequenceEqual(delivery.BodySha256))
        {
            delivery.State = DeliveryState.Dead;
            delivery.LastError = "The stored body no longer matches its SHA-256 (storage corruption); it cannot be processed.";
            metrics.Processed("dead");
            LogCorrupt(delivery.Id);
            return;
        }

        try
        {
            if (!delivery.Flags.HasFlag(DeliveryFlags.Unparsed) && TryParse(delivery) is { } document)
            {
                using (document)
                {
                    var webhook = new WebhookEvent(delivery, document.RootElement);
                    using var timeout = new CancellationTokenSource(ProcessingSchedule.HandlerTimeout, time);
                    await dispatcher.DispatchAsync(webhook, timeout.Token);
                    delivery.Summary = DeliverySummarizer.Describe(webhook);
                }
            }

            await ResolveOrganizationAsync(db, delivery, organizations);
            delivery.State = DeliveryState.Processed;
            delivery.ProcessedAt = time.GetUtcNow();
            delivery.LastError = null;
            metrics.Processed("processed");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var dead = delivery.Attempts >= ProcessingSchedule.MaxAttempts;
            delivery.State = dead ? DeliveryState.Dead : DeliveryState.Failed;
            delivery.NextAttemptAt = time.GetUtcNow() + ProcessingSchedule.DelayAfter(delivery.Attempts);
            delivery.LastError = Describe(exception);
            metrics.Processed(dead ? "dead" : "failed");
            if (dead)
            {
                LogDead(exception, delivery.Id, delivery.Attempts);
            }
            else
            {
                LogFailed(exception, delivery.Id, delivery.Attempts, delivery.NextAttemptAt);
            }
        }
    }

    // The intake only reads the envelope; a body that is not valid JSON throughout (or repeats a property name,
    // which different parsers resolve differently) is kept as unparsed rather than retried: retrying cannot fix it.
    private JsonDocument? TryParse(WebhookDelivery delivery)
    {
        try
        {
            return JsonDocument.Parse(delivery.Body, ParseOptions);
        }
        catch (JsonException)
        {
            delivery.Flags |= DeliveryFlags.Unparsed;
            metrics.Flagged("unparsed");
            LogUnparsedBody(delivery.Id);
            return null;
        }
    }

    // Flags that need a lookup are set here, after the 2xx, never before it (design.md §5).
    private async Task ResolveOrganizationAsync(PortalDbContext db, WebhookDelivery delivery, Dictionary<Guid, string> organizations)
    {
        if (delivery.InstallationUuid is not { } uuid)
        {
            return;
        }

        if (delivery.Resource == WebhookCatalog.Installation)
        {
            // The handler may just have recorded it.
            var slug = await db.Installations.Where(i => i.Uuid == uuid).Select(i => i.OrganizationSlug).FirstOrDefaultAsync(CancellationToken.None);
            if (slug is not null)
            {
                organizations[uuid] = slug;
            }
        }

        if (organizations.TryGetValue(uuid, out var organization))
        {
            delivery.OrganizationSlug = organization;
            delivery.Flags &= ~DeliveryFlags.Orphan;
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

    private static async Task<Dictionary<Guid, string>> OrganizationsOfAsync(
        PortalDbContext db, List<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        var uuids = deliveries.Where(d => d.InstallationUuid.HasValue).Select(d => d.InstallationUuid!.Value).Distinct().ToList();
        return await db.Installations
            .Where(i => uuids.Contains(i.Uuid))
            .ToDictionaryAsync(i => i.Uuid, i => i.OrganizationSlug, cancellationToken);
    }

    // Sentry gives every attempt a new Request-ID, so one seen again with a different body is an anomaly worth a look
    // (reliability.md W7); both deliveries are kept. Reported once, on every delivery after the first.
    private async Task ReportReusedRequestIdsAsync(PortalDbContext db, List<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        var requestIds = deliveries.Where(d => d.Attempts == 0 && d.RequestId is not null).Select(d => d.RequestId!).Distinct().ToList();
        if (requestIds.Count == 0)
        {
            return;
        }

        var firsts = await db.WebhookDeliveries
            .Where(d => d.RequestId != null && requestIds.Contains(d.RequestId))
            .GroupBy(d => d.RequestId!)
            .Where(group => group.Count() > 1)
            .Select(group => new { RequestId = group.Key, First = group.Min(d => d.Id) })
            .ToDictionaryAsync(group => group.RequestId, group => group.First, cancellationToken);
        foreach (var delivery in deliveries.Where(d => d.Attempts == 0 && d.RequestId is not null && firsts.TryGetValue(d.RequestId, out var first) && first != d.Id))
        {
            metrics.Flagged("request_id_reused");
            LogRequestIdReused(delivery.Id, UntrustedText.ForLog(delivery.RequestId), firsts[delivery.RequestId!]);
        }
    }

    private static string Describe(Exception exception)
    {
        var text = exception is OperationCanceledException
            ? $"The handler did not finish within {ProcessingSchedule.HandlerTimeout.TotalSeconds:0} s."
            : $"{exception.GetType().Name}: {exception.Message}";
        return text.Length <= 1000 ? text : text[..1000];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing delivery {DeliveryId} failed (attempt {Attempt}); next attempt at {NextAttemptAt}")]
    private partial void LogFailed(Exception exception, long deliveryId, int attempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} is dead after {Attempts} attempts; replay it from the dashboard once fixed")]
    private partial void LogDead(Exception exception, long deliveryId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} names installation {InstallationUuid}, which the portal does not know (orphan; {Suppressed} more since the last warning)")]
    private partial void LogOrphan(long deliveryId, Guid installationUuid, long suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} is not JSON the portal can read (for example a repeated property); kept as unparsed")]
    private partial void LogUnparsedBody(long deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} reuses Request-ID {RequestId} of delivery {FirstDeliveryId} with a different body; both are kept")]
    private partial void LogRequestIdReused(long deliveryId, string requestId, long firstDeliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId}'s stored body no longer matches its SHA-256; marked dead")]
    private partial void LogCorrupt(long deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A delivery processor pass failed; the next pass retries shortly")]
    private partial void LogLoopFailed(Exception exception);
}
