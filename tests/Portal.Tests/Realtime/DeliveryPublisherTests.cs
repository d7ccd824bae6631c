using Portal.Data.Entities;
using Portal.Realtime;

namespace Portal.Tests.Realtime;

public sealed class DeliveryPublisherTests
{
    [Fact]
    public async Task A_subscriber_that_never_reads_neither_blocks_publishing_nor_costs_the_others_a_message()
    {
        var publisher = new DeliveryPublisher();
        using var stuck = publisher.Subscribe(capacity: 16);
        var healthy = Enumerable.Range(0, 3).Select(_ => publisher.Subscribe(capacity: 1000)).ToArray();

        for (var id = 1; id <= 1000; id++)
        {
            publisher.Publish(Summary(id));
        }

        var received = new List<List<long>>();
        foreach (var subscription in healthy)
        {
            subscription.Dispose();
            received.Add(await subscription.Reader.ReadAllAsync(TestContext.Current.CancellationToken).Select(s => s.Id).ToListAsync(TestContext.Current.CancellationToken));
        }

        Assert.All(received, ids => Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), ids));
        Assert.Equal(1000 - 16, stuck.TakeDropped());
        Assert.Equal(0, stuck.TakeDropped());
    }

    [Fact]
    public void A_disposed_subscription_receives_nothing_more()
    {
        var publisher = new DeliveryPublisher();
        var subscription = publisher.Subscribe();

        subscription.Dispose();
        publisher.Publish(Summary(1));

        Assert.Equal(0, publisher.SubscriberCount);
        Assert.False(subscription.Reader.TryRead(out _));
    }

    internal static DeliverySummary Summary(long id, DeliveryState state = DeliveryState.Pending, DeliverySummaryKind kind = DeliverySummaryKind.Stored, string? summary = null) =>
        new(id, kind, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "issue", "created", null, null, null, [], state, 0, summary, null);
}
