using System.Net;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Hosting;

public sealed class InstanceHeaderTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/")]
    [InlineData("/no-such-page")]
    public async Task With_an_instance_name_every_response_says_which_instance_answered(string path)
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:InstanceName"] = "portal-2";
        var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path, Cancel);

        Assert.Equal("portal-2", response.Headers.GetValues("X-Portal-Instance").Single());
    }

    [Fact]
    public async Task With_an_instance_name_even_the_short_circuited_answer_to_a_webhook_says_which_instance_stored_it()
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:InstanceName"] = "portal-2";
        var client = portal.CreateClient();

        using var response = await client.SendAsync(SignedRequests.Webhook("issue", SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "630000001")), Cancel);

        Assert.Equal("portal-2", response.Headers.GetValues("X-Portal-Instance").Single());
    }

    [Fact]
    public async Task Without_an_instance_name_the_machine_name_is_sent()
    {
        await using var portal = new PortalFactory();
        var client = portal.CreateClient();

        using var response = await client.GetAsync("/healthz/live", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Environment.MachineName, response.Headers.GetValues("X-Portal-Instance").Single());
    }

    [Theory]
    [InlineData("portal 1")]
    [InlineData("portal-\u00e9")]
    public async Task An_instance_name_no_header_can_carry_stops_the_start_with_a_message_naming_the_key(string name)
    {
        await using var portal = new PortalFactory();
        portal.Settings["Portal:InstanceName"] = name;

        var failure = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains("Portal:InstanceName", failure.ToString(), StringComparison.Ordinal);
    }
}
