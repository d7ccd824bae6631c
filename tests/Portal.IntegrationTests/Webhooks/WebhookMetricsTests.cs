using System.Net;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Webhooks;

/// <summary>The delivery counters an operator alerts on move exactly as the answers Sentry gets.</summary>
public sealed class WebhookMetricsTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Received_stored_duplicate_refused_and_processed_deliveries_are_counted_and_each_acknowledgement_is_timed()
    {
        var client = factory.CreateClient();
        using var metrics = new MetricRecorder(factory.Services);
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "600000001");

        var stored = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);
        var duplicate = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);
        var forged = await client.SendAsync(SignedRequests.Webhook("issue", body, secret: "not-the-secret"), Cancel);
        var wrongType = await client.SendAsync(SignedRequests.Webhook("issue", body, contentType: "text/plain"), Cancel);
        await factory.ProcessedDeliveryAsync(body);

        Assert.Equal(
            [HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.UnsupportedMediaType],
            [stored.StatusCode, duplicate.StatusCode, forged.StatusCode, wrongType.StatusCode]);
        Assert.Equal(2, metrics["portal.webhook.deliveries.received{source=app_webhook}"]);
        Assert.Equal(1, metrics["portal.webhook.responses{outcome=Stored}"]);
        Assert.Equal(1, metrics["portal.webhook.responses{outcome=Duplicate}"]);
        Assert.Equal(1, metrics["portal.sentry.requests.refused{reason=bad_signature,route=/sentry/webhook}"]);
        Assert.Equal(1, metrics["portal.sentry.requests.refused{reason=bad_type,route=/sentry/webhook}"]);
        await Eventually.TrueAsync(() => Task.FromResult(metrics["portal.webhook.processing{result=processed}"] == 1), "the processing counter");
        Assert.Equal(1, metrics.Count("portal.webhook.ack_latency{outcome=Stored}"));
        Assert.Equal(1, metrics.Count("portal.webhook.ack_latency{outcome=Duplicate}"));
        Assert.InRange(metrics["portal.webhook.ack_latency{outcome=Stored}"], 0.001, 30_000);
    }
}
