using Microsoft.Extensions.DependencyInjection;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Tenancy;
using Portal.Tests.TestSupport;
using Portal.Webhooks;

namespace Portal.Tests.Dashboard;

public sealed class OverviewPageTests : PortalComponentTest
{
    public OverviewPageTests()
        : base(services =>
        {
            services.AddSingleton<AcknowledgementLatencies>();
            services.AddSingleton<DeliveryStatistics>();
        })
    {
    }

    [Fact]
    public void The_overview_counts_the_last_hour_and_the_current_states_and_shows_acknowledgement_times()
    {
        Store(
            Delivery("issue", "created", "a"),
            Delivery("issue", "resolved", "b"),
            Delivery("error", "created", "c", DeliveryState.Retrying),
            Old(Delivery("comment", "created", "d", DeliveryState.Dead)));
        var latencies = Services.GetRequiredService<AcknowledgementLatencies>();
        foreach (var ms in new[] { 2.0, 3.0, 4.0, 40.0 })
        {
            latencies.Record(TimeSpan.FromMilliseconds(ms));
        }

        var cut = Render<OverviewPage>();

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=stat-last-hour]").TextContent));
        Assert.Equal("1", cut.Find("[data-testid=stat-retrying]").TextContent);
        Assert.Equal("1", cut.Find("[data-testid=stat-dead]").TextContent);
        Assert.Equal("3 ms / 40 ms", cut.Find("[data-testid=ack-latency]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=chart-empty]"));
    }

    [Fact]
    public async Task A_member_counts_only_their_organizations()
    {
        Store(Delivery("issue", "created", "a"));
        var statistics = Services.GetRequiredService<DeliveryStatistics>();

        var theirs = await statistics.SnapshotAsync(AccessScope.Reading(TestOrganizationId), TestContext.Current.CancellationToken);
        var others = await statistics.SnapshotAsync(AccessScope.Reading(43), TestContext.Current.CancellationToken);

        Assert.Equal(1, theirs.LastHour);
        Assert.Equal(0, others.LastHour);
        Assert.Empty(others.Resources);
    }

    private static WebhookDelivery Old(WebhookDelivery delivery) => new()
    {
        Body = delivery.Body,
        BodySha256 = delivery.BodySha256,
        Resource = delivery.Resource,
        Action = delivery.Action,
        Summary = delivery.Summary,
        State = delivery.State,
        OrganizationId = delivery.OrganizationId,
        ReceivedAt = DateTimeOffset.UtcNow.AddHours(-2),
    };
}
