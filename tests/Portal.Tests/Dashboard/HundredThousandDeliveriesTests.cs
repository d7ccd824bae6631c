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
        var searchTime = TimeUntil(Render<DeliveriesPage>(), search =>
            Assert.Contains("issue needle-00001", Assert.Single(search.FindAll("[data-testid=deliveries] tbody tr")).TextContent, StringComparison.Ordinal));

        // The one dead delivery, halfway back.
        navigation.NavigateTo("/?state=Dead");
        var deadTime = TimeUntil(Render<DeliveriesPage>(), dead =>
            Assert.Contains("needle-50000", Assert.Single(dead.FindAll("[data-testid=deliveries] tbody tr")).TextContent, StringComparison.Ordinal));

        // Unfiltered: the newest page, newest first.
        navigation.NavigateTo("/");
        var allTime = TimeUntil(Render<DeliveriesPage>(), all =>
        {
            Assert.Equal("500", all.Find("[data-testid=stat-shown]").TextContent.Trim());
            Assert.Contains("needle-100000", all.Find("[data-testid=detail-link]").ParentElement!.ParentElement!.TextContent, StringComparison.Ordinal);
        });

        var overviewTime = TimeUntil(Render<OverviewPage>(), overview => Assert.Equal("1", overview.Find("[data-testid=stat-dead]").TextContent.Trim()));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Stored:N0} deliveries: search {searchTime.TotalMilliseconds:N0} ms, state filter {deadTime.TotalMilliseconds:N0} ms, " +
            $"newest page {allTime.TotalMilliseconds:N0} ms, overview {overviewTime.TotalMilliseconds:N0} ms");
    }

    // Rendering starts the page's queries; on PostgreSQL they complete asynchronously, so the time is taken to the
    // first render that passes the assertion (it includes the start of the render, measured from before it).
    private static TimeSpan TimeUntil<TComponent>(IRenderedComponent<TComponent> cut, Action<IRenderedComponent<TComponent>> assertion)
        where TComponent : IComponent
    {
        var watch = Stopwatch.StartNew();
        cut.WaitForAssertion(() => assertion(cut), TimeSpan.FromSeconds(30));
        return watch.Elapsed;
    }

    // Raw SQL: 100,000 rows through EF Core change tracking would take most of the test's time.
    private void SeedDeliveries()
    {
        using var db = OpenDatabase();
        var now = DateTimeOffset.UtcNow.UtcTicks;
        if (TestDatabase.RunsOnPostgres)
        {
            db.Database.ExecuteSql($"""
                INSERT INTO "WebhookDeliveries"
                    ("RequestId", "BodySha256", "Resource", "Action", "InstallationUuid", "ReceivedAt", "HookTimestamp", "Flags", "Source",
                     "State", "Attempts", "NextAttemptAt", "OrganizationId", "Summary")
                -- lpad cuts longer text, unlike printf: keep needle-100000 whole.
                SELECT md5(i::text), decode(md5(i::text) || md5(i::text), 'hex'), 'issue', 'created', NULL, {now} - ({Stored} - i)::bigint * 10000000, NULL, 0, 0,
                       CASE WHEN i = 50000 THEN 3 ELSE 1 END, 1, {now}, {TestOrganizationId}, 'issue needle-' || lpad(i::text, greatest(5, length(i::text)), '0')
                FROM generate_series(1, {Stored}) AS i;
                """);
            db.Database.ExecuteSql($"""INSERT INTO "WebhookDeliveryBodies" ("Id", "Body") SELECT "Id", '\x00'::bytea FROM "WebhookDeliveries";""");
            return;
        }

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
