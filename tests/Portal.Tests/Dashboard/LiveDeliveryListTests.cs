using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tests.Realtime;

namespace Portal.Tests.Dashboard;

public sealed class LiveDeliveryListTests
{
    [Fact]
    public void Any_order_and_repetition_of_the_same_messages_gives_the_same_list()
    {
        var messages = Enumerable.Range(1, 40).SelectMany(id => new[]
        {
            DeliveryPublisherTests.Summary(id),
            DeliveryPublisherTests.Summary(id, kind: DeliverySummaryKind.Backfill),
        }).Concat(Enumerable.Range(1, 40).Where(id => id % 3 == 0).Select(id => DeliveryPublisherTests.Summary(id, DeliveryState.Processed, DeliverySummaryKind.StateChanged))).ToList();
        var inOrder = new LiveDeliveryList(capacity: 25);
        messages.ForEach(m => inOrder.Apply(m));
        var random = new Random(7);

        for (var round = 0; round < 200; round++)
        {
            var shuffled = new LiveDeliveryList(capacity: 25);
            foreach (var message in messages.Concat(messages.Take(10)).OrderBy(_ => random.Next()))
            {
                shuffled.Apply(message);
            }

            Assert.Equal(inOrder.Items.Select(d => (d.Id, d.State)), shuffled.Items.Select(d => (d.Id, d.State)));
        }

        Assert.Equal(Enumerable.Range(16, 25).Reverse().Select(i => (long)i), inOrder.Items.Select(d => d.Id));
    }
}
