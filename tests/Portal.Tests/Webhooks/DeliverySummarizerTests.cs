using System.Text;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class DeliverySummarizerTests
{
    [Theory]
    [InlineData("webhook.issue.created.json", "FRONT-END-9 · ZeroDivisionError: café total — 🔥 <script>alert(1)</script>")]
    [InlineData("webhook.comment.created.json", null)]
    [InlineData("webhook.installation.created.json", "test-org · acme-portal")]
    public void A_delivery_is_described_by_what_it_is_about(string file, string? expected)
    {
        var summary = Describe("x", File.ReadAllBytes(Path.Combine(RepoPaths.Samples, file)), file.Split('.')[1]);

        if (expected is null)
        {
            Assert.False(string.IsNullOrWhiteSpace(summary));
        }
        else
        {
            Assert.Equal(expected, summary);
        }
    }

    [Fact]
    public void The_grant_code_of_an_installation_never_appears_in_its_summary()
    {
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "webhook.installation.created.json"));

        var summary = Describe("created", body, "installation");

        Assert.DoesNotContain("f3c71b491e39", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_are_removed_and_long_text_is_capped_without_splitting_a_surrogate_pair()
    {
        var comment = "line one\r\nline two " + string.Concat(Enumerable.Repeat("🔥", 300));
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { action = "created", data = new { comment } }));

        var summary = Describe("created", body, "comment")!;

        Assert.DoesNotContain('\n', summary);
        Assert.True(summary.Length <= DeliverySummarizer.MaxLength);
        Assert.EndsWith("…", summary, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(summary[^2]));
    }

    private static string? Describe(string action, byte[] body, string resource)
    {
        using var document = JsonDocument.Parse(body);
        var delivery = new WebhookDelivery { Body = body, BodySha256 = [], Resource = resource, Action = action, ReceivedAt = DateTimeOffset.UtcNow };
        return DeliverySummarizer.Describe(new WebhookEvent(delivery, document.RootElement));
    }
}
