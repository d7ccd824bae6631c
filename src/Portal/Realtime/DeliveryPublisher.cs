using System.Collections.Immutable;

namespace Portal.Realtime;

/// <summary>
/// The one live-stream publisher (design.md §5): the writer and processor publish, the hub and Blazor components
/// subscribe. Publishing never waits: every subscriber has its own bounded buffer that drops its oldest entries
/// when the subscriber falls behind (reliability.md S1).
/// </summary>
public sealed class DeliveryPublisher
{
    public const int DefaultCapacity = 256;

    private ImmutableArray<DeliverySubscription> subscribers = [];
    private readonly Lock gate = new();

    public int SubscriberCount => subscribers.Length;

    public void Publish(DeliverySummary summary)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber.Offer(summary);
        }
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

    private void Unsubscribe(DeliverySubscription subscription)
    {
        lock (gate)
        {
            subscribers = subscribers.Remove(subscription);
        }
    }
}
