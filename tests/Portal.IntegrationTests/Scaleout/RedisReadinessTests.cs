using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Scaleout;

/// <summary>
/// Redis's check is part of readiness (tagged <c>ready</c>, which <c>/healthz</c> answers for): an instance whose
/// deliveries cannot reach the others is taken out of rotation, yet keeps acknowledging what reaches it.
/// </summary>
public sealed class RedisReadinessTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readiness_fails_while_Redis_is_down_and_passes_again_when_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var portal = await PortalInstance.StartAsync(redis, $"portal-{Guid.NewGuid():N}");
        await Eventually.TrueAsync(async () => await ReadyAsync(portal) == HealthStatus.Healthy, "ready with Redis up");
        Assert.Equal(HttpStatusCode.OK, await HealthzAsync(portal));

        await redis.StopAsync();

        await Eventually.TrueAsync(async () => await ReadyAsync(portal) == HealthStatus.Unhealthy, "not ready with Redis down");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HealthzAsync(portal));

        await redis.RestartAsync();

        await Eventually.TrueAsync(async () => await ReadyAsync(portal) == HealthStatus.Healthy, "ready again with Redis back", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, await HealthzAsync(portal));
    }

    [Fact]
    public async Task An_instance_started_while_Redis_is_unreachable_acknowledges_deliveries_and_is_ready_once_Redis_answers()
    {
        await using var redis = RedisServer.NotStarted();
        await using var portal = await PortalInstance.StartAsync(redis, $"portal-{Guid.NewGuid():N}");

        var (status, id) = await portal.SendAsync("issue", SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "9500000001"));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.NotNull(id);
        Assert.Equal(HealthStatus.Unhealthy, await ReadyAsync(portal));

        await redis.RestartAsync();

        await Eventually.TrueAsync(async () => await ReadyAsync(portal) == HealthStatus.Healthy, "ready once Redis answers", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Without_Redis_configured_there_is_no_Redis_check()
    {
        await using var portal = new PortalFactory();

        var checks = portal.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        Assert.DoesNotContain(checks, check => check.Name == "redis");
        Assert.Equal(HealthStatus.Healthy, (await portal.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancel)).Status);
    }

    // Every check tagged "ready", as /healthz/ready selects them; Redis's must be among them.
    private static async Task<HealthStatus> ReadyAsync(PortalInstance portal)
    {
        var report = await portal.Get<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"), Cancel);
        Assert.Contains("redis", report.Entries.Keys);
        return report.Status;
    }

    private static async Task<HttpStatusCode> HealthzAsync(PortalInstance portal)
    {
        using var response = await portal.Client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancel);
        return response.StatusCode;
    }
}
