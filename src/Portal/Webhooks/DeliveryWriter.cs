using System.Threading.Channels;
using Portal.Data.Entities;
using Portal.Realtime;

namespace Portal.Webhooks;

/// <summary>
/// The single writer of the ingest path (reliability.md D2): requests queue their delivery and wait; the writer
/// commits up to <see cref="MaxBatch"/> at a time in one transaction (group commit) and only then releases them,
/// so a 2xx always means "committed". On shutdown it stops taking new work (503) and flushes what is queued.
/// </summary>
internal sealed partial class DeliveryWriter(
    IDeliveryStore store,
    DeliveryPublisher stream,
    WorkSignal processorSignal,
    WebhookMetrics metrics,
    TimeProvider time,
    ILogger<DeliveryWriter> logger) : BackgroundService
{
    public const int MaxBatch = 256;
    public const int QueueCapacity = 8192;

    private readonly Channel<PendingDelivery> queue = Channel.CreateBounded<PendingDelivery>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues the delivery and waits for its batch to commit. Never throws for storage problems.</summary>
    public Task<StoreOutcome> StoreAsync(PendingDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        // A full queue or a stopped writer is "try again later" for Sentry, never a wait that could pass its 1 s timeout.
        return queue.Writer.TryWrite(delivery) ? delivery.Stored : Task.FromResult(StoreOutcome.Unavailable);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    // Deliberately not tied to stoppingToken: after StopAsync completes the queue, the loop drains what is left.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingDelivery>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
            }

            await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<PendingDelivery> batch)
    {
        IReadOnlyList<long?> ids;
        try
        {
            ids = await store.InsertBatchAsync(batch, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogStoreFailed(exception, batch.Count);
            foreach (var delivery in batch)
            {
                delivery.Complete(StoreOutcome.Unavailable);
            }

            return;
        }

        var committedAt = time.GetUtcNow();
        for (var i = 0; i < batch.Count; i++)
        {
            var delivery = batch[i];
            if (ids[i] is { } id)
            {
                delivery.Complete(new StoreOutcome(StoreResult.Stored, id));
                metrics.Committed(committedAt - delivery.ReceivedAt);
                stream.Publish(new DeliverySummary(
                    id, DeliverySummaryKind.Stored, delivery.ReceivedAt, committedAt, delivery.Resource, delivery.Action,
                    delivery.InstallationUuid, null, DeliveryFlagNames.Of(delivery.Flags), nameof(DeliveryState.Pending), 0, null, null));
            }
            else
            {
                delivery.Complete(StoreOutcome.Duplicate);
            }
        }

        processorSignal.Notify();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store a batch of {Count} deliveries; they were answered 503 so Sentry retries")]
    private partial void LogStoreFailed(Exception exception, int count);
}
