using System.Text;
using Portal.Realtime;
using Portal.Scaleout;

namespace Portal.Tests.Scaleout;

/// <summary>The wire format between instances: what one writes the others read; its own and unknown ones are told apart.</summary>
public sealed class InstanceEnvelopeTests
{
    [Fact]
    public void Another_instances_message_is_read_with_its_sender_and_number()
    {
        var bytes = InstanceEnvelope.Write(DeliverySummaryKind.Backfill, "instance-a", 7);

        Assert.Equal("""{"v":1,"from":"instance-a","seq":7,"body":"Backfill"}""", Encoding.UTF8.GetString(bytes));
        Assert.Equal(EnvelopeRead.Accepted, InstanceEnvelope.TryRead<DeliverySummaryKind>(bytes, "instance-b", out var read));
        Assert.Equal(new InstanceMessage<DeliverySummaryKind>("instance-a", 7, DeliverySummaryKind.Backfill), read);
    }

    [Fact]
    public void Its_own_message_back_from_Redis_is_an_echo()
    {
        var bytes = InstanceEnvelope.Write("hook", "instance-a", 1);

        Assert.Equal(EnvelopeRead.Echo, InstanceEnvelope.TryRead<string>(bytes, "instance-a", out _));
    }

    [Theory]
    [InlineData("""{"v":2,"from":"instance-a","seq":1,"body":"x"}""", EnvelopeRead.UnknownVersion)]
    [InlineData("""{"v":1,"from":"instance-a","body":"x"}""", EnvelopeRead.Malformed)]
    [InlineData("""{"v":1,"from":"instance-a","seq":0,"body":"x"}""", EnvelopeRead.Malformed)]
    [InlineData("""{"v":1,"from":"instance-a","seq":1,"body":"x","more":1}""", EnvelopeRead.Malformed)]
    [InlineData("""{"v":1,"from":"instance-a","seq":1,"body":null}""", EnvelopeRead.Malformed)]
    [InlineData("not json", EnvelopeRead.Malformed)]
    public void Anything_else_is_not_accepted(string message, EnvelopeRead expected)
    {
        Assert.Equal(expected, InstanceEnvelope.TryRead<string>(Encoding.UTF8.GetBytes(message), "instance-b", out var read));
        Assert.Null(read.Body);
    }
}
