using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

/// <summary>
/// The deliveries page filters every stored delivery, not just the newest page it holds, and stays live
/// while filtered.
/// </summary>
public sealed class DeliverySearchTests : PortalComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public void Search_finds_a_delivery_far_older_than_the_newest_page()
    {
        StoreMany(1_200, i => i == 3 ? "TypeError: needle in the haystack" : $"ordinary issue {i}");
        Render<MudBlazor.MudPopoverProvider>();
        Navigate("/?q=needle");

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr")), Patience);
        var row = Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr"));
        Assert.Contains("TypeError: needle in the haystack", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_older_brings_the_next_page_until_everything_that_matches_is_shown()
    {
        StoreMany(1_100, i => $"issue {i}");
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<DeliveriesPage>();
        cut.WaitForAssertion(() => Assert.Equal("500", cut.Find("[data-testid=stat-shown]").TextContent.Trim()), Patience);

        cut.Find("[data-testid=load-older]").Click();
        cut.WaitForAssertion(() => Assert.Equal("1000", cut.Find("[data-testid=stat-shown]").TextContent.Trim()), Patience);
        cut.Find("[data-testid=load-older]").Click();
        cut.WaitForAssertion(() => Assert.Equal("1100", cut.Find("[data-testid=stat-shown]").TextContent.Trim()), Patience);

        Assert.Empty(cut.FindAll("[data-testid=load-older]"));
    }

    [Fact]
    public async Task Keyset_pages_cover_every_match_once_newest_first()
    {
        StoreMany(1_234, i => i % 3 == 0 ? $"match {i}" : $"other {i}");
        var history = Services.GetRequiredService<DeliveryHistory>();
        var filter = new DeliveryFilter(Text: "match");
        var seen = new List<long>();
        long? before = null;
        while (true)
        {
            var page = await history.SearchAsync(filter, before, 100, Portal.Tenancy.AccessScope.Everything, TestContext.Current.CancellationToken);
            seen.AddRange(page.Select(d => d.Id));
            if (page.Count < 100)
            {
                break;
            }

            before = page[^1].Id;
        }

        Assert.Equal(1_234 / 3, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public void The_action_filter_picks_one_action_of_the_resource()
    {
        Store(Delivery("issue", "created", "made"), Delivery("issue", "resolved", "fixed"), Delivery("comment", "created", "said"));
        Render<MudBlazor.MudPopoverProvider>();
        Navigate("/?resource=issue&action=resolved");

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr")), Patience);
        var row = Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr"));
        Assert.Contains("fixed", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_filtered_view_takes_matching_deliveries_from_the_stream_and_drops_those_that_stop_matching()
    {
        Store(Delivery("issue", "created", "waiting", DeliveryState.Pending));
        var waiting = StoredIdOf("waiting");
        Render<MudBlazor.MudPopoverProvider>();
        Navigate("/?state=Pending");
        var cut = Render<DeliveriesPage>();
        cut.WaitForAssertion(() => Assert.Contains("Live", cut.Find("[data-testid=live-status]").TextContent, StringComparison.Ordinal), Patience);

        Publisher.Publish(Summary(1_000, DeliveryState.Pending, "new and pending"));
        Publisher.Publish(Summary(1_001, DeliveryState.Processed, "already processed"));
        cut.WaitForAssertion(() => Assert.Contains("new and pending", cut.Find("[data-testid=deliveries]").TextContent, StringComparison.Ordinal), Patience);
        Assert.DoesNotContain("already processed", cut.Find("[data-testid=deliveries]").TextContent, StringComparison.Ordinal);

        Publisher.Publish(Summary(waiting, DeliveryState.Processed, "waiting") with { Kind = DeliverySummaryKind.StateChanged });

        cut.WaitForAssertion(() => Assert.Equal([1_000], Ids(cut)), Patience);
    }

    [Fact]
    public void A_member_searching_never_finds_another_organizations_delivery()
    {
        Install(TestOrganizationId, "test-org");
        Install(43, "globex");
        var theirs = Delivery("issue", "created", "secret launch plan");
        theirs.OrganizationId = 43;
        Store(theirs, Delivery("issue", "created", "our launch plan"));
        SignInAsMember((TestOrganizationId, "member"));
        Render<MudBlazor.MudPopoverProvider>();
        Navigate("/?q=launch");

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr")), Patience);
        var row = Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr"));
        Assert.Contains("our launch plan", row.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100%", "done 100% of it")]
    [InlineData("a_b", "a_b matched")]
    [InlineData("FRONT-END", "front-end-9 crashed")]
    public void Search_text_is_literal_and_ignores_case(string text, string expected)
    {
        Store(Delivery("issue", "created", "done 100 of it"), Delivery("issue", "created", "done 100% of it"),
            Delivery("issue", "created", "aXb no match"), Delivery("issue", "created", "a_b matched"), Delivery("issue", "created", "front-end-9 crashed"));
        Render<MudBlazor.MudPopoverProvider>();
        Navigate("/?q=" + Uri.EscapeDataString(text));

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr")), Patience);
        var row = Assert.Single(cut.FindAll("[data-testid=deliveries] tbody tr"));
        Assert.Contains(expected, row.TextContent, StringComparison.Ordinal);
    }

    private void Navigate(string address) => Services.GetRequiredService<NavigationManager>().NavigateTo(address);

    private static List<long> Ids(IRenderedComponent<DeliveriesPage> cut) =>
        [.. cut.FindAll("[data-testid=detail-link]").Select(a => long.Parse(a.TextContent, System.Globalization.CultureInfo.InvariantCulture))];

    private long StoredIdOf(string summary)
    {
        using var db = OpenDatabase();
        return db.WebhookDeliveries.Single(d => d.Summary == summary).Id;
    }

    private static DeliverySummary Summary(long id, DeliveryState state, string summary) =>
        new(id, DeliverySummaryKind.Stored, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "issue", "created", null, TestOrganizationId, "test-org", [], state, 0, summary, null);

    private void StoreMany(int count, Func<int, string> summary)
    {
        using var db = OpenDatabase();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        for (var i = 1; i <= count; i++)
        {
            db.WebhookDeliveries.Add(Delivery("issue", "created", summary(i)));
        }

        db.SaveChanges();
    }
}
