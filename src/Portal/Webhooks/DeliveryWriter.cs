using System.Threading.Channels;
using Portal.Data.Entities;
using Portal.Realtime;

namespace Portal.Webhooks;

/// <summary>
/// The single writer of the delivery table (reliability.md D2): requests queue their delivery and wait; the
/// processor queues its outcomes. The writer commits up to <see cref="MaxBatch"/> deliveries and any outcomes in
/// one transaction (group commit) and only then releases them, so a 2xx always means "committed" and the two
/// never wait on each other's locks. On shutdown it stops taking new work (503) and flushes what is queued.
/// </summary>
internal sealed partial class DeliveryWriter(
    IDeliveryStore store,
    DeliveryPublisher publisher,
    WorkSignal processorSignal,
    WebhookMetrics metrics,
    AcknowledgementLatencies latencies,
    Portal.Tenancy.OrganizationDirectory organizations,
    TimeProvider time,
    ILogger<DeliveryWriter> logger) : BackgroundService
{
    public const int MaxBatch = 256;
    public const int QueueCapacity = 8192;

    private readonly Channel<QueuedWrite> queue = Channel.CreateBounded<QueuedWrite>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues the delivery and waits for its batch to commit. Never throws for storage problems.</summary>
    public Task<StoreOutcome> StoreAsync(PendingDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        // A full queue or a stopped writer is "try again later" for Sentry, never a wait that could pass its 1 s timeout.
        return queue.Writer.TryWrite(delivery) ? delivery.Stored : Task.FromResult(StoreOutcome.Unavailable);
    }

    /// <summary>Queues processing outcomes (waiting for room rather than failing) and waits for their commit.</summary>
    public async Task<bool> RecordAsync(ProcessingOutcomes outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        try
        {
            await queue.Writer.WriteAsync(outcomes, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return false;
        }

        return (await outcomes.Stored).Result != StoreResult.Unavailable;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    // Deliberately not tied to stoppingToken: after StopAsync completes the queue, the loop drains what is left.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deliveries = new List<PendingDelivery>(MaxBatch);
        var outcomes = new List<ProcessingOutcomes>();
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            deliveries.Clear();
            outcomes.Clear();
            while (deliveries.Count < MaxBatch && queue.Reader.TryRead(out var write))
            {
                if (write is PendingDelivery delivery)
                {
                    deliveries.Add(delivery);
                }
                else
                {
                    outcomes.Add((ProcessingOutcomes)write);
                }
            }

            await CommitAsync(deliveries, outcomes);
        }
    }

    private async Task CommitAsync(List<PendingDelivery> deliveries, List<ProcessingOutcomes> outcomes)
    {
        StoreCommit commit;
        try
        {
            var updates = outcomes.Count switch
            {
                0 => [],
                1 => outcomes[0].Deliveries,
                _ => outcomes.SelectMany(o => o.Deliveries).ToList(),
            };
            commit = await store.CommitAsync(deliveries, updates, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogStoreFailed(exception, deliveries.Count, outcomes.Count);
            deliveries.ForEach(d => d.Complete(StoreOutcome.Unavailable));
            outcomes.ForEach(o => o.Complete(StoreOutcome.Unavailable));
            return;
        }

        foreach (var outcome in outcomes)
        {
            outcome.Superseded = commit.Superseded;
            outcome.Complete(new StoreOutcome(StoreResult.Stored));
        }

        if (deliveries.Count == 0)
        {
            return;
        }

        var committedAt = time.GetUtcNow();
        for (var i = 0; i < deliveries.Count; i++)
        {
            var delivery = deliveries[i];
            if (commit.Ids[i] is { } id)
            {
                delivery.Complete(new StoreOutcome(StoreResult.Stored, id));
                metrics.Committed(committedAt - delivery.ReceivedAt);
                latencies.Record(committedAt - delivery.ReceivedAt);
                publisher.Publish(new DeliverySummary(
                    id, DeliverySummaryKind.Stored, delivery.ReceivedAt, committedAt, delivery.Resource, delivery.Action,
                    delivery.InstallationUuid, delivery.OrganizationId, organizations.SlugOf(delivery.OrganizationId), DeliveryFlagNames.Of(delivery.Flags), DeliveryState.Pending, 0, null, null, delivery.RequestId));
            }
            else
            {
                delivery.Complete(StoreOutcome.Duplicate);
            }
        }

        processorSignal.Notify();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not commit {Deliveries} deliveries and {Outcomes} processing batches; the deliveries were answered 503 so Sentry retries")]
    private partial void LogStoreFailed(Exception exception, int deliveries, int outcomes);
}
