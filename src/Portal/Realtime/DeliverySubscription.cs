using System.Threading.Channels;

namespace Portal.Realtime;

/// <summary>One consumer's bounded buffer on the <see cref="DeliveryPublisher"/>; counts what it had to drop.</summary>
public sealed class DeliverySubscription : IDisposable
{
    private readonly Channel<DeliverySummary> channel;
    private readonly Action<DeliverySubscription> unsubscribe;
    private long dropped;

    internal DeliverySubscription(int capacity, Action<DeliverySubscription> unsubscribe)
    {
        this.unsubscribe = unsubscribe;
        channel = Channel.CreateBounded<DeliverySummary>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref dropped));
    }

    public ChannelReader<DeliverySummary> Reader => channel.Reader;

    /// <summary>How many summaries were dropped since the last call; non-zero means the consumer has a gap to fill.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref dropped, 0);

    internal void Offer(DeliverySummary summary) => channel.Writer.TryWrite(summary);

    /// <summary>Summaries that never reached this process (lost between instances) count as dropped here.</summary>
    internal void Missed(long count) => Interlocked.Add(ref dropped, count);

    public void Dispose()
    {
        unsubscribe(this);
        channel.Writer.TryComplete();
    }
}
