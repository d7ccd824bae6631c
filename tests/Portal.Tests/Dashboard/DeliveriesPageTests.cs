using Microsoft.Extensions.DependencyInjection;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

public sealed class DeliveriesPageTests : PortalComponentTest
{
    // Generous: CI runs these beside the host and process tests on two cores.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public void Stored_deliveries_are_listed_newest_first_with_their_event_state_and_flags()
    {
        Store(
            Delivery("issue", "created", "FRONT-END-9 · first"),
            Delivery("comment", "created", "second", DeliveryState.Retrying, DeliveryFlags.Orphan | DeliveryFlags.StaleTimestamp));
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=deliveries] tbody tr").Count), Patience);
        var rows = cut.FindAll("[data-testid=deliveries] tbody tr");
        Assert.Contains("comment.created", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("stale_timestamp", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("orphan", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Retrying", rows[0].QuerySelector("[data-testid=state]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("FRONT-END-9 · first", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("1", cut.Find("[data-testid=stat-failed]").TextContent);
    }

    [Fact]
    public void A_delivery_published_on_the_live_stream_appears_without_a_reload()
    {
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<DeliveriesPage>();
        cut.WaitForAssertion(() => Assert.Contains("Live", cut.Find("[data-testid=live-status]").TextContent, StringComparison.Ordinal), Patience);
        Assert.NotNull(cut.Find("[data-testid=empty-state]"));

        Publisher.Publish(new DeliverySummary(42, DeliverySummaryKind.Stored, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "error", "created",
            null, TestOrganizationId, "test-org", [], DeliveryState.Pending, 0, "ReferenceError: blooopy is not defined", null));

        cut.WaitForAssertion(() => Assert.Contains("ReferenceError: blooopy is not defined", cut.Find("[data-testid=deliveries]").TextContent, StringComparison.Ordinal), Patience);

        Publisher.Publish(new DeliverySummary(42, DeliverySummaryKind.StateChanged, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "error", "created",
            null, TestOrganizationId, "test-org", [], DeliveryState.Processed, 1, "ReferenceError: blooopy is not defined", null));

        cut.WaitForAssertion(() => Assert.Equal("Processed", cut.Find("[data-testid=state]").TextContent.Trim()), Patience);
    }

    [Theory]
    [InlineData("<script>window.__xss=1</script>")]
    [InlineData("<img src=x onerror=\"window.__xss=1\">")]
    [InlineData("\"><svg onload=window.__xss=1>")]
    [InlineData("javascript:alert(1)")]
    [InlineData("\u202Egnp.exe")]
    public void Hostile_text_from_a_payload_is_rendered_as_inert_text(string hostile)
    {
        Store(Delivery("issue", "created", hostile));
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Contains(hostile, cut.Find("[data-testid=deliveries]").TextContent, StringComparison.Ordinal), Patience);
        var table = cut.Find("[data-testid=deliveries]");
        Assert.Empty(table.QuerySelectorAll("script, svg, img[onerror], a[href^='javascript']"));
        Assert.DoesNotContain(table.QuerySelectorAll("*"), element => element.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_100_KB_summary_is_rendered_as_text_without_breaking_the_page()
    {
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<DeliveriesPage>();
        cut.WaitForAssertion(() => Assert.Contains("Live", cut.Find("[data-testid=live-status]").TextContent, StringComparison.Ordinal), Patience);
        var huge = string.Concat(Enumerable.Repeat("<b>x</b>", 100_000 / 8));

        Publisher.Publish(new DeliverySummary(7, DeliverySummaryKind.Stored, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "issue", "created",
            null, null, null, [], DeliveryState.Pending, 0, huge, null));

        cut.WaitForAssertion(() => Assert.Contains(huge, cut.Find("[data-testid=deliveries]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("[data-testid=deliveries] b"));
    }

    [Fact]
    public void The_search_box_filters_the_list()
    {
        Store(Delivery("issue", "created", "alpha"), Delivery("issue", "created", "beta"));
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<DeliveriesPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=deliveries] tbody tr").Count), Patience);

        cut.Find("input[data-testid=search], [data-testid=search] input").Input("bet");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr")), Patience);
        Assert.Contains("beta", cut.Find("[data-testid=deliveries] tbody").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/?state=failed", "second")]
    [InlineData("/?state=Retrying", "second")]
    [InlineData("/?flag=orphan", "second")]
    [InlineData("/?organization=globex", "third")]
    [InlineData("/?resource=comment&state=Processed", "third")]
    public void Filters_by_state_flag_organization_and_resource_can_be_linked_to(string address, string expected)
    {
        AddOrganization(43, "globex");
        var third = Delivery("comment", "created", "third");
        third.OrganizationId = 43;
        Store(Delivery("issue", "created", "first"), Delivery("issue", "created", "second", DeliveryState.Retrying, DeliveryFlags.Orphan), third);
        Render<MudBlazor.MudPopoverProvider>();
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo(address);

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Contains(expected, Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr")).TextContent, StringComparison.Ordinal), Patience);
    }
}
