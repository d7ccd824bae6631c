using System.Net;
using System.Text;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Dashboard;

public sealed class DeliveryDetailTests(PortalWithSentryFactory factory) : IClassFixture<PortalWithSentryFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_detail_page_shows_the_payload_readably_with_the_grant_code_redacted()
    {
        var body = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(SampleDeliveries.Named("webhook.installation.created.json").Body)
            .Replace(PortalWithSentryFactory.SampleInstallation, "3e3e3e3e-0000-4000-8000-000000000004", StringComparison.Ordinal));
        using var response = await client.SendAsync(SignedRequests.Webhook("installation", body), Cancel);
        var stored = await factory.FindDeliveryAsync(body);
        await LocalSignIn.SignInAsync(client, Cancel);

        var page = WebUtility.HtmlDecode(await client.GetStringAsync($"/deliveries/{stored!.Id}", Cancel));

        Assert.Contains("installation.created", page, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"José María\"", page, StringComparison.Ordinal);
        Assert.Contains("\"code\": \"[redacted]\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalWithSentryFactory.SampleCode, page, StringComparison.Ordinal);
        Assert.Contains("Verified: HMAC-SHA256", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_delivery_says_so()
    {
        await LocalSignIn.SignInAsync(client, Cancel);

        var page = await client.GetStringAsync("/deliveries/987654321", Cancel);

        Assert.Contains("There is no delivery #987654321", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_runs_the_handlers_again_and_marks_the_delivery_as_a_replay()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.resolved.json"), "810000001");
        using var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);
        var first = await factory.ProcessedDeliveryAsync(body);
        var details = factory.Services.GetRequiredService<DeliveryDetails>();

        Assert.True(await details.ReplayAsync(first.Id, AccessScope.Everything, Cancel));

        WebhookDelivery? replayed = null;
        await Eventually.TrueAsync(
            async () => (replayed = await factory.FindDeliveryAsync(body)) is { State: DeliveryState.Processed } && replayed.Flags.HasFlag(DeliveryFlags.Replay),
            "the replay to be processed");
        Assert.Equal(1, replayed!.Attempts);
        Assert.True(replayed.ProcessedAt >= first.ProcessedAt);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_delivery_outside_the_scope_can_be_neither_read_nor_replayed()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.ignored.json"), "810000002");
        using var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);
        var stored = await factory.ProcessedDeliveryAsync(body);
        var details = factory.Services.GetRequiredService<DeliveryDetails>();
        var elsewhere = AccessScope.Managing(999);

        Assert.Null(await details.GetAsync(stored.Id, elsewhere, Cancel));
        Assert.False(await details.ReplayAsync(stored.Id, elsewhere, Cancel));
        Assert.False((await factory.FindDeliveryAsync(body))!.Flags.HasFlag(DeliveryFlags.Replay));
    }
}
