using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tenancy;

namespace Portal.Webhooks;

/// <summary>
/// One pass over the due deliveries in arrival order: each goes to its handler, and the batch's outcomes are recorded
/// through the <see cref="DeliveryWriter"/> and then published.
/// </summary>
/// <remarks>
/// A failing delivery is retried on <see cref="ProcessingSchedule"/> without holding up the ones behind it, and is
/// marked dead after the last attempt. Reads are its own; every write goes through the writer.
/// </remarks>
internal sealed partial class ProcessingPass(
    IDbContextFactory<PortalDbContext> dbFactory,
    DeliveryWriter writer,
    DeliveryClaims claims,
    WebhookDispatcher dispatcher,
    IEnumerable<IDeliveryStep> steps,
    DeliveryAnomalies anomalies,
    OrganizationDirectory organizations,
    DeliveryPublisher stream,
    WebhookMetrics metrics,
    TimeProvider time,
    ILogger<ProcessingPass> logger)
{
    public const int BatchSize = 200;

    private const string CorruptBody = "The stored body no longer matches its SHA-256 (storage corruption); it cannot be processed.";

    /// <summary>
    /// Processes up to <see cref="BatchSize"/> due deliveries and records their outcomes; returns how many it took.
    /// Throws when the outcomes could not be recorded (the same deliveries are then due again).
    /// </summary>
    public async Task<int> ProcessDueAsync(CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var due = await claims.TakeDueAsync(db, BatchSize, stoppingToken);
        if (due.Count == 0)
        {
            return 0;
        }

        // Claimed (with several instances) until the outcomes are recorded; whatever is left is released.
        await using var held = claims.Hold(due);

        var known = await DeliveryAnomalies.InstallationsOfAsync(db, due, stoppingToken);
        await anomalies.ReportReusedRequestIdsAsync(db, due, stoppingToken);
        var passes = steps.Select(step => step.BeginPass()).ToList();
        var done = new List<WebhookDelivery>(due.Count);
        foreach (var delivery in due)
        {
            // Stop between items on shutdown; what is not done stays due and is taken after the restart (D6).
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await ProcessAsync(db, delivery, known, passes);
            done.Add(delivery);
        }

        // What the steps decided is stored first: should that fail, the batch is due again and decided again.
        foreach (var stepPass in passes)
        {
            await stepPass.CompleteAsync(CancellationToken.None);
        }

        // Outcomes go through the single writer, so processing never contends with the ingest for the write lock.
        var outcomes = new ProcessingOutcomes(done);
        if (!await writer.RecordAsync(outcomes, CancellationToken.None))
        {
            // Not recorded: the same deliveries are due again (handlers are idempotent), after the loop's pause.
            return stoppingToken.IsCancellationRequested
                ? 0
                : throw new InvalidOperationException("The writer could not record processing outcomes.");
        }

        held.Settled(done.Select(d => d.Id));
        var publishedAt = time.GetUtcNow();
        if (outcomes.Superseded.Count > 0)
        {
            LogSuperseded(outcomes.Superseded.Count);
        }

        foreach (var delivery in done.Where(d => !outcomes.Superseded.Contains(d.Id)))
        {
            stream.Publish(DeliverySummary.From(delivery, DeliverySummaryKind.StateChanged, publishedAt, organizations.SlugOf(delivery.OrganizationId)));
        }

        return done.Count;
    }

    /// <summary>When the earliest delivery still to process is due (it may be now, or past); null when there is none.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await DeliveryClaims.NextDue(db).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task ProcessAsync(
        PortalDbContext db, WebhookDelivery delivery, Dictionary<Guid, DeliveryAnomalies.KnownInstallation> known, List<IDeliveryStepPass> passes)
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

        JsonDocument? document = null;
        try
        {
            var outcome = HandlerOutcome.Done;
            WebhookEvent? webhook = null;
            if (!delivery.Flags.HasFlag(DeliveryFlags.Unparsed) && TryParse(delivery) is { } parsed)
            {
                document = parsed;
                webhook = new WebhookEvent(delivery, document.RootElement);
                using var timeout = new CancellationTokenSource(ProcessingSchedule.HandlerTimeout, time);
                outcome = await dispatcher.DispatchAsync(webhook, timeout.Token);
                delivery.Summary = DeliverySummarizer.Describe(webhook);
            }

            await anomalies.ResolveInstallationAsync(db, delivery, known);
            var attention = outcome.Attention;
            if (webhook is not null && delivery.OrganizationId is { } organizationId)
            {
                foreach (var step in passes)
                {
                    using var timeout = new CancellationTokenSource(ProcessingSchedule.HandlerTimeout, time);
                    var stepAttention = await step.RunAsync(webhook, organizationId, timeout.Token);
                    attention ??= stepAttention;
                }
            }

            delivery.State = attention is null ? DeliveryState.Processed : DeliveryState.NeedsAttention;
            delivery.ProcessedAt = time.GetUtcNow();
            delivery.LastError = attention is null ? null : ErrorText.Truncate(attention);
            metrics.Processed(attention is null ? "processed" : "needs_attention");
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
        finally
        {
            document?.Dispose();
        }
    }

    private JsonDocument? TryParse(WebhookDelivery delivery)
    {
        var document = WebhookEnvelope.TryParse(delivery.Body);
        if (document is null)
        {
            anomalies.FlagUnparsed(delivery);
        }

        return document;
    }

    private static string Describe(Exception exception) =>
        exception is OperationCanceledException
            ? $"The handler did not finish within {ProcessingSchedule.HandlerTimeout.TotalSeconds:0} s."
            : $"{exception.GetType().Name}: {exception.Message}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing delivery {DeliveryId} failed (attempt {Attempt}); next attempt at {NextAttemptAt}")]
    private partial void LogFailed(Exception exception, long deliveryId, int attempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} is dead after {Attempts} attempts; replay it from the dashboard once fixed")]
    private partial void LogDead(Exception exception, long deliveryId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} processing outcomes were dropped: their claims had lapsed and another instance took the deliveries, or they were replayed")]
    private partial void LogSuperseded(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId}'s stored body no longer matches its SHA-256; marked dead")]
    private partial void LogCorrupt(long deliveryId);
}
