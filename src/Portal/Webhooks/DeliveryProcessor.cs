using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tenancy;

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
    DeliveryMending mending,
    OrganizationDirectory organizations,
    DeliveryPublisher stream,
    WorkSignal signal,
    WebhookMetrics metrics,
    DeliveryAnomalies anomalies,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger) : BackgroundService
{
    public const int BatchSize = 200;

    private const string CorruptBody = "The stored body no longer matches its SHA-256 (storage corruption); it cannot be processed.";

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = WebhookEnvelope.ReaderOptions.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>How long new work may wait to be taken together with what follows it.</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>How long to sleep when nothing is due and nothing new arrives (retries come due on their own).</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await mending.MendAllAsync(stoppingToken);
        await RunAsync(stoppingToken);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await mending.MendLearnedAsync(stoppingToken);
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
            .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptAt <= now)
            .OrderBy(d => d.Id)
            .Take(BatchSize)
            .ToListAsync(stoppingToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var known = await DeliveryAnomalies.InstallationsOfAsync(db, due, stoppingToken);
        await anomalies.ReportReusedRequestIdsAsync(db, due, stoppingToken);
        var done = new List<WebhookDelivery>(due.Count);
        foreach (var delivery in due)
        {
            // Stop between items on shutdown; what is not done stays due and is taken after the restart (D6).
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await ProcessAsync(db, delivery, known);
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
            stream.Publish(DeliverySummary.From(delivery, DeliverySummaryKind.StateChanged, publishedAt, organizations.SlugOf(delivery.OrganizationId)));
        }

        return done.Count;
    }

    // The processor sleeps until the next scheduled retry (at most IdleWait), unless the writer signals new work first.
    private async Task<DateTimeOffset> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var next = await db.WebhookDeliveries
            .Where(d => d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying)
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => (DateTimeOffset?)d.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken);
        return next ?? time.GetUtcNow() + IdleWait;
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleWait ? IdleWait : wait;

    private async Task ProcessAsync(PortalDbContext db, WebhookDelivery delivery, Dictionary<Guid, DeliveryAnomalies.KnownInstallation> known)
    {
        delivery.Attempts++;

        // The stored bytes must still be what Sentry signed; if the disk corrupted them, no retry can help.
        if (!SHA256.HashData(delivery.Body).AsSpan().SequenceEqual(delivery.BodySha256))
        {
            delivery.State = DeliveryState.Dead;
            delivery.LastError = ErrorText.Truncate(CorruptBody);
            metrics.Processed("dead");
            LogCorrupt(delivery.Id);
            return;
        }

        try
        {
            var outcome = HandlerOutcome.Done;
            if (!delivery.Flags.HasFlag(DeliveryFlags.Unparsed) && TryParse(delivery) is { } document)
            {
                using (document)
                {
                    var webhook = new WebhookEvent(delivery, document.RootElement);
                    using var timeout = new CancellationTokenSource(ProcessingSchedule.HandlerTimeout, time);
                    outcome = await dispatcher.DispatchAsync(webhook, timeout.Token);
                    delivery.Summary = DeliverySummarizer.Describe(webhook);
                }
            }

            await anomalies.ResolveInstallationAsync(db, delivery, known);
            delivery.State = outcome.Attention is null ? DeliveryState.Processed : DeliveryState.NeedsAttention;
            delivery.ProcessedAt = time.GetUtcNow();
            delivery.LastError = outcome.Attention is { } attention ? ErrorText.Truncate(attention) : null;
            metrics.Processed(outcome.Attention is null ? "processed" : "needs_attention");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var dead = delivery.Attempts >= ProcessingSchedule.MaxAttempts;
            delivery.State = dead ? DeliveryState.Dead : DeliveryState.Retrying;
            delivery.NextAttemptAt = time.GetUtcNow() + ProcessingSchedule.DelayAfter(delivery.Attempts);
            delivery.LastError = ErrorText.Truncate(Describe(exception));
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

    private JsonDocument? TryParse(WebhookDelivery delivery)
    {
        try
        {
            return JsonDocument.Parse(delivery.Body, ParseOptions);
        }
        catch (JsonException)
        {
            anomalies.FlagUnparsed(delivery);
            return null;
        }
    }

    private static string Describe(Exception exception) =>
        exception is OperationCanceledException
            ? $"The handler did not finish within {ProcessingSchedule.HandlerTimeout.TotalSeconds:0} s."
            : $"{exception.GetType().Name}: {exception.Message}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing delivery {DeliveryId} failed (attempt {Attempt}); next attempt at {NextAttemptAt}")]
    private partial void LogFailed(Exception exception, long deliveryId, int attempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} is dead after {Attempts} attempts; replay it from the dashboard once fixed")]
    private partial void LogDead(Exception exception, long deliveryId, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId}'s stored body no longer matches its SHA-256; marked dead")]
    private partial void LogCorrupt(long deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A delivery processor pass failed; the next pass retries shortly")]
    private partial void LogLoopFailed(Exception exception);
}
