using System.Collections.Immutable;
using Portal.Scaleout;

namespace Portal.Realtime;

/// <summary>
/// The one live-stream publisher (design.md §5): the writer and processor publish, the hub and Blazor components
/// subscribe. Publishing never waits: every subscriber has its own bounded buffer that drops its oldest entries
/// when the subscriber falls behind (reliability.md S1). With Redis, what this instance publishes also goes to the
/// other instances (through a bounded buffer of its own), and what they publish reaches this instance's subscribers;
/// when some of theirs were lost on the way (a gap in a sender's numbering, or this instance's connection to Redis
/// dropped), every subscriber is told it dropped some, and fills the gap from the database as it does for its own
/// drops (S2).
/// </summary>
public sealed class DeliveryPublisher
{
    public const int DefaultCapacity = 256;

    /// <summary>Summaries that may wait for Redis before the oldest are dropped (a burst of a few seconds).</summary>
    public const int RelayCapacity = 8192;

    /// <summary>The Redis channel's name after the prefix: <c>portal:deliveries</c>.</summary>
    public const string ChannelName = "deliveries";

    private ImmutableArray<DeliverySubscription> subscribers = [];
    private readonly Lock gate = new();
    private readonly InstanceChannel<DeliverySummary>? otherInstances;

    /// <summary>A stream of this process alone.</summary>
    public DeliveryPublisher()
    {
    }

    /// <summary>A stream shared with the other instances when Redis is configured.</summary>
    public DeliveryPublisher(InstanceMessages instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        otherInstances = instances.Open<DeliverySummary>(ChannelName, RelayCapacity);
        otherInstances.Received += Offer;
        otherInstances.Missed += MarkMissed;

        // Lost or regained its connection: what came meanwhile, even from an instance never heard before, is lost.
        instances.Interrupted += () => MarkMissed(1);
    }

    public int SubscriberCount => subscribers.Length;

    /// <summary>Messages for the other instances that never reached Redis; zero without Redis.</summary>
    public long DroppedForOtherInstances => otherInstances?.Dropped ?? 0;

    public void Publish(DeliverySummary summary)
    {
        Offer(summary);
        otherInstances?.Publish(summary);
    }

    public DeliverySubscription Subscribe(int capacity = DefaultCapacity)
    {
        var subscription = new DeliverySubscription(capacity, Unsubscribe);
        lock (gate)
        {
            subscribers = subscribers.Add(subscription);
        }

        return subscription;
    }

    private void Offer(DeliverySummary summary)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber.Offer(summary);
        }
    }

    private void MarkMissed(long count)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber.Missed(count);
        }
    }

    private void Unsubscribe(DeliverySubscription subscription)
    {
        lock (gate)
        {
            subscribers = subscribers.Remove(subscription);
        }
    }
}
