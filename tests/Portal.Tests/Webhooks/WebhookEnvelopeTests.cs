using System.Text;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class WebhookEnvelopeTests
{
    [Fact]
    public void The_action_and_installation_uuid_are_read_from_the_top_level_envelope()
    {
        var body = """{"action":"resolved","installation":{"uuid":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"},"data":{"issue":{"action":"nested","installation":{"uuid":"00000000-0000-0000-0000-000000000000"}}},"actor":{"type":"user","id":1}}"""u8;

        Assert.True(WebhookEnvelope.TryRead(body, out var envelope));

        Assert.Equal("resolved", envelope.Action);
        Assert.Equal(Guid.Parse("a8e5d37a-696c-4c54-adb5-b3f28d64c7de"), envelope.InstallationUuid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"action\":\"created\"")]
    [InlineData("{\"action\":\"created\"} trailing")]
    [InlineData("{\"action\":\"created\"}{}")]
    public void Anything_that_is_not_one_json_object_is_unparsed(string body)
    {
        Assert.False(WebhookEnvelope.TryRead(Encoding.UTF8.GetBytes(body), out _));
    }

    [Fact]
    public void Nesting_up_to_64_levels_is_read_and_deeper_is_unparsed()
    {
        static byte[] Nested(int depth) => Encoding.ASCII.GetBytes("{\"action\":\"x\",\"data\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}");

        Assert.True(WebhookEnvelope.TryRead(Nested(64), out _));
        Assert.False(WebhookEnvelope.TryRead(Nested(65), out _));
    }

    [Fact]
    public void A_missing_or_malformed_installation_uuid_is_read_as_absent()
    {
        Assert.True(WebhookEnvelope.TryRead("""{"action":"created","installation":{"uuid":"not-a-uuid"}}"""u8, out var malformed));
        Assert.True(WebhookEnvelope.TryRead("""{"action":"created","installation":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}"""u8, out var notObject));

        Assert.Null(malformed.InstallationUuid);
        Assert.Null(notObject.InstallationUuid);
    }
}
