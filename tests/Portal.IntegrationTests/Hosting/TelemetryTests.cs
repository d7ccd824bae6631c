using System.Net;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

public sealed class TelemetryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_the_switch_there_is_no_metrics_endpoint()
    {
        await using var portal = new PortalFactory();
        var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/metrics", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task With_the_switch_metrics_serves_the_portal_series_in_prometheus_text_to_an_anonymous_scraper()
    {
        await using var portal = ProductionPortal.Create();
        portal.Settings["Portal:Telemetry:PrometheusEndpoint"] = "true";
        var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "610000001");
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel)).StatusCode);

        using var response = await client.GetAsync("/metrics", Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("portal_webhook_responses_total{", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"Stored\"", text, StringComparison.Ordinal);
        Assert.Contains("portal_webhook_ack_latency_milliseconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }
}
