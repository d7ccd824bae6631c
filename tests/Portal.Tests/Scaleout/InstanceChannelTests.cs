using Microsoft.Extensions.Logging.Abstractions;
using Portal.Scaleout;

namespace Portal.Tests.Scaleout;

/// <summary>What a channel makes of the messages Redis hands it (no Redis needed: they are handed over directly).</summary>
public sealed class InstanceChannelTests : IDisposable
{
    private readonly InstanceChannel<string> channel = new("portal:test", 16, "instance-b", redis: null, NullLogger.Instance);
    private readonly List<string> received = [];
    private readonly List<long> missed = [];

    public InstanceChannelTests()
    {
        channel.Received += received.Add;
        channel.Missed += missed.Add;
    }

    public void Dispose() => channel.Dispose();

    [Fact]
    public void Other_instances_messages_are_raised_and_its_own_are_not()
    {
        Deliver("instance-a", 1, "one");
        Deliver("instance-b", 1, "mine");
        Deliver("instance-a", 2, "two");

        Assert.Equal(["one", "two"], received);
        Assert.Empty(missed);
    }

    [Fact]
    public void A_gap_in_a_senders_numbering_is_raised_as_missed_before_the_message_that_shows_it()
    {
        channel.Received += body => received.Add($"{body} after {missed.Sum()} missed");
        Deliver("instance-a", 4, "first heard");
        Deliver("instance-c", 1, "other sender");
        Deliver("instance-a", 5, "next");
        Deliver("instance-a", 9, "after a gap");

        Assert.Equal([3], missed);
        Assert.Contains("after a gap after 3 missed", received);
    }

    private void Deliver(string from, long sequence, string body) => channel.Deliver(InstanceEnvelope.Write(body, from, sequence));
}
