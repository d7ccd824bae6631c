using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

public sealed class HealthEndpointsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Live_ready_and_healthz_answer_200_to_anyone_and_ready_names_the_database_check(string environment)
    {
        await using var factory = ProductionPortal.Create(environment);
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var live = await GetAsync(client, "/healthz/live");
        var ready = await GetAsync(client, "/healthz/ready");
        var healthz = await GetAsync(client, "/healthz");

        Assert.Equal((HttpStatusCode.OK, "Healthy", ""), live);
        Assert.Equal((HttpStatusCode.OK, "Healthy", "database=Healthy"), ready);
        Assert.Equal(ready, healthz);
    }

    [Fact]
    public async Task With_the_database_gone_live_stays_200_while_ready_and_healthz_answer_503_naming_the_database()
    {
        await using var factory = new PortalFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/healthz/ready")).Status);

        await using (await factory.Database.MakeUnreachableAsync())
        {
            var live = await GetAsync(client, "/healthz/live");
            var ready = await GetAsync(client, "/healthz/ready");
            var healthz = await GetAsync(client, "/healthz");

            Assert.Equal((HttpStatusCode.OK, "Healthy", ""), live);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy", "database=Unhealthy"), ready);
            Assert.Equal(ready, healthz);
        }
    }

    [Fact]
    public async Task A_failing_check_another_feature_tags_ready_fails_readiness_without_showing_its_description_or_exception()
    {
        await using var factory = new PortalFactory
        {
            TestServices = services => services.AddHealthChecks().AddCheck(
                "redis",
                () => HealthCheckResult.Unhealthy("redis:6379,password=hunter2 refused", new InvalidOperationException("Password=hunter2")),
                tags: ["ready"]),
        };
        var client = factory.CreateClient();

        var ready = await client.GetAsync("/healthz/ready", Cancel);
        var live = await client.GetAsync("/healthz/live", Cancel);

        var body = await ready.Content.ReadAsStringAsync(Cancel);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
        Assert.Equal("database=Healthy,redis=Unhealthy", Checks(body));
        Assert.DoesNotContain("hunter2", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("6379", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_check_without_the_ready_tag_is_not_part_of_readiness()
    {
        await using var factory = new PortalFactory
        {
            TestServices = services => services.AddHealthChecks().AddCheck("disk-report", () => HealthCheckResult.Unhealthy()),
        };
        var client = factory.CreateClient();

        var ready = await GetAsync(client, "/healthz/ready");

        Assert.Equal((HttpStatusCode.OK, "Healthy", "database=Healthy"), ready);
    }

    private static async Task<(HttpStatusCode Status, string Overall, string Checks)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        return (response.StatusCode, json.RootElement.GetProperty("status").GetString()!, Checks(body));
    }

    private static string Checks(string body)
    {
        using var json = JsonDocument.Parse(body);
        return string.Join(',', json.RootElement.GetProperty("checks").EnumerateArray()
            .Select(check => $"{check.GetProperty("name").GetString()}={check.GetProperty("status").GetString()}")
            .Order(StringComparer.Ordinal));
    }
}
