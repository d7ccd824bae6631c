using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class WebhookCatalogTests
{
    public static TheoryData<string> SampleFiles =>
        [.. Directory.GetFiles(RepoPaths.Samples, "webhook.*.json").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_resource_and_action_sentry_sends_is_known(string file)
    {
        var parts = file.Split('.');

        Assert.True(WebhookCatalog.IsKnown(parts[1], parts[2]), $"{parts[1]}.{parts[2]}");
    }

    [Theory]
    [InlineData("issue", "archived")]
    [InlineData("metric_alert", "open")]
    [InlineData("seer", "pr_created")]
    public void Legacy_and_newer_actions_are_known(string resource, string action)
    {
        Assert.True(WebhookCatalog.IsKnown(resource, action));
    }

    [Theory]
    [InlineData("issue", "exploded")]
    [InlineData("foo", "created")]
    [InlineData("issue", null)]
    [InlineData("Issue", "created")]
    public void Anything_else_is_unknown(string resource, string? action)
    {
        Assert.False(WebhookCatalog.IsKnown(resource, action));
    }

    [Fact]
    public void The_in_repository_samples_are_byte_identical_to_the_shared_ones_when_those_are_present()
    {
        var shared = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "sentry-samples"));
        if (!Directory.Exists(shared))
        {
            Assert.Skip($"{shared} is not beside this checkout");
        }

        foreach (var file in Directory.GetFiles(shared))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(RepoPaths.Samples, Path.GetFileName(file))));
        }
    }
}
