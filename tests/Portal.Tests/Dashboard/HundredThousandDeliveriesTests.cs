using System.Diagnostics;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Dashboard;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

/// <summary>
/// The dashboard at the size issue 4 names: 100,000 stored deliveries. Correctness is asserted; the times are only
/// printed (timing targets live in bench/, not in tests on a shared machine).
/// </summary>
public sealed class HundredThousandDeliveriesTests() : PortalComponentTest(services => services.AddSingleton<Portal.Webhooks.AcknowledgementLatencies>().AddSingleton<DeliveryStatistics>())
{
    private const int Stored = 100_000;

    [Fact]
    public void Search_state_and_overview_work_over_100000_stored_deliveries()
    {
        SeedDeliveries();
        Render<MudBlazor.MudPopoverProvider>();
        var navigation = Services.GetRequiredService<NavigationManager>();

        // The oldest delivery, found by text only it has.
        navigation.NavigateTo("/?q=needle-00001");
        var (search, searchTime) = Timed(() => Render<DeliveriesPage>());
        Assert.Contains("issue needle-00001", Assert.Single(search.FindAll("[data-testid=deliveries] tbody tr")).TextContent, StringComparison.Ordinal);

        // The one dead delivery, halfway back.
        navigation.NavigateTo("/?state=Dead");
        var (dead, deadTime) = Timed(() => Render<DeliveriesPage>());
        Assert.Contains("needle-50000", Assert.Single(dead.FindAll("[data-testid=deliveries] tbody tr")).TextContent, StringComparison.Ordinal);

        // Unfiltered: the newest page, newest first.
        navigation.NavigateTo("/");
        var (all, allTime) = Timed(() => Render<DeliveriesPage>());
        Assert.Equal("500", all.Find("[data-testid=stat-shown]").TextContent.Trim());
        Assert.Contains("needle-100000", all.Find("[data-testid=detail-link]").ParentElement!.ParentElement!.TextContent, StringComparison.Ordinal);

        var (overview, overviewTime) = Timed(() => Render<OverviewPage>());
        Assert.Equal("1", overview.Find("[data-testid=stat-dead]").TextContent.Trim());

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Stored:N0} deliveries: search {searchTime.TotalMilliseconds:N0} ms, state filter {deadTime.TotalMilliseconds:N0} ms, " +
            $"newest page {allTime.TotalMilliseconds:N0} ms, overview {overviewTime.TotalMilliseconds:N0} ms");
    }

    private static (T Result, TimeSpan Elapsed) Timed<T>(Func<T> action)
    {
        var watch = Stopwatch.StartNew();
        var result = action();
        return (result, watch.Elapsed);
    }

    // Raw SQL: 100,000 rows through EF Core change tracking would take most of the test's time.
    private void SeedDeliveries()
    {
        using var db = OpenDatabase();
        var now = DateTimeOffset.UtcNow.UtcTicks;
        db.Database.ExecuteSql($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Stored})
            INSERT INTO "WebhookDeliveries"
                ("RequestId", "BodySha256", "Resource", "Action", "InstallationUuid", "ReceivedAt", "HookTimestamp", "Flags", "Source",
                 "State", "Attempts", "NextAttemptAt", "OrganizationId", "Summary")
            SELECT lower(hex(randomblob(16))), randomblob(32), 'issue', 'created', NULL, {now} - ({Stored} - i) * 10000000, NULL, 0, 0,
                   CASE WHEN i = 50000 THEN 3 ELSE 1 END, 1, {now}, {TestOrganizationId}, 'issue needle-' || printf('%05d', i)
            FROM n;
            """);
        db.Database.ExecuteSql($"""INSERT INTO "WebhookDeliveryBodies" ("Id", "Body") SELECT "Id", x'00' FROM "WebhookDeliveries";""");
    }
}
