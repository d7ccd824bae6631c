using System.Text.Json;
using Portal.SentryPlatform.Payloads;

namespace Portal.Tests.SentryPlatform.Payloads;

public sealed class SentryInstallationInfoTests
{
    private static readonly Guid Uuid = Guid.Parse("a8e5d37a-696c-4c54-adb5-b3f28d64c7de");

    [Fact]
    public void The_installation_names_its_organization_by_id_and_slug_and_its_app()
    {
        using var answer = JsonDocument.Parse(
            $"{{\"uuid\":\"{Uuid}\",\"status\":\"installed\",\"organization\":{{\"slug\":\"acme\",\"id\":\"5\"}},\"app\":{{\"slug\":\"acme-portal\",\"sentryAppId\":42}}}}");

        var info = SentryInstallationInfo.From(answer.RootElement);

        Assert.Equal(new SentryInstallationInfo(Uuid, "installed", "acme", 5, "acme-portal", 42), info);
    }

    [Fact]
    public void What_Sentry_leaves_out_stays_unknown()
    {
        using var answer = JsonDocument.Parse($"{{\"uuid\":\"{Uuid}\",\"organization\":{{\"slug\":\"acme\"}}}}");

        var info = SentryInstallationInfo.From(answer.RootElement);

        Assert.Equal(new SentryInstallationInfo(Uuid, "", "acme", null, null, null), info);
    }

    [Theory]
    [InlineData("{\"organization\":{\"slug\":\"acme\"}}")]
    [InlineData("{\"uuid\":\"not-a-uuid\",\"organization\":{\"slug\":\"acme\"}}")]
    [InlineData("{\"uuid\":\"a8e5d37a-696c-4c54-adb5-b3f28d64c7de\",\"organization\":{}}")]
    [InlineData("{\"uuid\":\"a8e5d37a-696c-4c54-adb5-b3f28d64c7de\"}")]
    public void An_answer_without_a_uuid_or_an_organization_slug_is_no_installation(string json)
    {
        using var answer = JsonDocument.Parse(json);

        Assert.Null(SentryInstallationInfo.From(answer.RootElement));
    }
}
