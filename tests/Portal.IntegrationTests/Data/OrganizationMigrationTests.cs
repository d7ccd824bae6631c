using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Data;

/// <summary>
/// Storage written by a portal that keyed tenants on slugs comes across to organization ids with nothing lost: rows
/// of an organization the portal knew by id take it, the rest wait under a provisional organization (operators
/// only) that becomes the real one when Sentry names it.
/// </summary>
public sealed class OrganizationMigrationTests : IAsyncLifetime
{
    private const string SlugKeyedMigration = "20261127094056_ServiceHooks";
    private const string Known = "0a000000-0000-4000-8000-000000000001";
    private const string Reinstalled = "0a000000-0000-4000-8000-000000000002";
    private const string Unnamed = "0a000000-0000-4000-8000-000000000003";

    // PostgreSQL databases begin at the current schema; only SQLite's history has slug-keyed rows to move.
    private const string SqliteHistoryOnly = "The slug-keyed data migration exists in SQLite's history only.";

    private readonly PortalFactory portal = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (TestDatabase.RunsOnPostgres)
        {
            return;
        }

        await using var db = portal.OpenDatabase();
        await db.GetService<IMigrator>().MigrateAsync(SlugKeyedMigration, Cancel);
        await db.Database.ExecuteSqlAsync($$"""
            INSERT INTO "Installations" ("Uuid", "AppSlug", "ConcurrencyToken", "InstalledAt", "Kind", "OrganizationSlug", "OrganizationId", "Status", "VerificationAttempts")
            VALUES ('0a000000-0000-4000-8000-000000000001', 'acme-portal', '00000000-0000-4000-8000-000000000001', 1, 0, 'acme', 42, 1, 0),
                   ('0a000000-0000-4000-8000-000000000002', 'acme-portal', '00000000-0000-4000-8000-000000000002', 2, 0, 'acme', NULL, 3, 0),
                   ('0a000000-0000-4000-8000-000000000003', 'acme-portal', '00000000-0000-4000-8000-000000000003', 3, 1, 'initech', NULL, 1, 0);
            INSERT INTO "Tickets" ("ConcurrencyToken", "CreatedAt", "CreatedBy", "Description", "Number", "OrganizationSlug", "Priority", "Status", "Title", "UpdatedAt")
            VALUES ('00000000-0000-4000-8000-000000000004', 1, 'Jane', '', 1, 'acme', 1, 0, 'Acme checkout crash', 1),
                   ('00000000-0000-4000-8000-000000000005', 1, 'Ian', '', 1, 'initech', 1, 0, 'Initech TPS reports', 1),
                   ('00000000-0000-4000-8000-000000000006', 1, 'Nobody', '', 1, 'vanished', 1, 0, 'A ticket of no installation', 1);
            INSERT INTO "IssueLinks" ("TicketId", "InstallationUuid", "LinkedAt", "LinkedBy", "OrganizationSlug", "SentryIssueId")
            VALUES (1, '0a000000-0000-4000-8000-000000000001', 1, 'Jane', 'acme', 1170820242);
            INSERT INTO "CodeMappings" ("CreatedAt", "CreatedBy", "OrganizationSlug", "ProjectSlug", "SourceRoot", "StackRoot", "UrlTemplate")
            VALUES (1, 'Ian', 'initech', NULL, '', '', 'https://github.com/initech/tps/blob/main/{path}');
            INSERT INTO "OrganizationPeople" ("LastSeenAt", "Name", "OrganizationSlug", "SentryUserId")
            VALUES (1, 'Jane Doe', 'acme', '7');
            INSERT INTO "WebhookDeliveries" ("BodySha256", "Resource", "Action", "InstallationUuid", "ReceivedAt", "Flags", "Source", "OrganizationSlug", "State", "Attempts", "NextAttemptAt")
            VALUES (x'01', 'issue', 'created', '0a000000-0000-4000-8000-000000000001', 1, 0, 0, 'acme', 1, 1, 1),
                   (x'02', 'issue', 'created', '0a000000-0000-4000-8000-000000000003', 2, 0, 0, 'initech', 1, 1, 2),
                   (x'03', 'issue', 'created', '0e000000-0000-4000-8000-000000000009', 3, 2, 0, NULL, 1, 1, 3);
            INSERT INTO "WebhookDeliveryBodies" ("Id", "Body") SELECT "Id", x'00' FROM "WebhookDeliveries";
            """, Cancel);
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task Slug_keyed_rows_take_their_organizations_id_and_the_rest_wait_under_a_provisional_one()
    {
        Assert.SkipWhen(TestDatabase.RunsOnPostgres, SqliteHistoryOnly);
        _ = portal.Services;

        await using var db = portal.OpenDatabase();
        var installations = await db.Installations.AsNoTracking().ToDictionaryAsync(i => i.Uuid.ToString(), i => i.OrganizationId, Cancel);
        Assert.Equal(42, installations[Known]);
        Assert.Equal(42, installations[Reinstalled]);
        var provisional = installations[Unnamed]!.Value;
        Assert.True(provisional < 0);
        Assert.Equal("initech", (await db.Organizations.SingleAsync(o => o.Id == provisional, Cancel)).Slug);
        Assert.Equal("acme", (await db.Organizations.SingleAsync(o => o.Id == 42, Cancel)).Slug);

        var tickets = await db.Tickets.AsNoTracking().ToDictionaryAsync(t => t.Title, t => t.OrganizationId, Cancel);
        Assert.Equal(42, tickets["Acme checkout crash"]);
        Assert.Equal(provisional, tickets["Initech TPS reports"]);
        Assert.True(tickets["A ticket of no installation"] <= -1_000_000_000);
        Assert.Equal(42, (await db.IssueLinks.SingleAsync(Cancel)).OrganizationId);
        Assert.Equal(provisional, (await db.CodeMappings.SingleAsync(Cancel)).OrganizationId);
        Assert.Equal(42, (await db.OrganizationPeople.SingleAsync(Cancel)).OrganizationId);
        var deliveries = await db.WebhookDeliveries.AsNoTracking().OrderBy(d => d.Id).Select(d => d.OrganizationId).ToListAsync(Cancel);
        Assert.Equal([42, provisional, null], deliveries);
    }

    [Fact]
    public async Task When_Sentry_names_a_provisional_organization_its_rows_move_to_the_real_one()
    {
        Assert.SkipWhen(TestDatabase.RunsOnPostgres, SqliteHistoryOnly);
        var client = portal.CreateClient();
        var named = Encoding.ASCII.GetBytes(
            $$$"""{"action":"created","installation":{"uuid":"{{{Unnamed}}}"},"data":{"installation":{"app":{"uuid":"2ebf071f-28df-4989-aca9-c37c763b278f","slug":"acme-portal","sentryAppId":42},"organization":{"slug":"initech","id":77},"uuid":"{{{Unnamed}}}","status":"installed"}},"actor":{"type":"user","id":1,"name":"Ian"}}""");

        // A manager wrote a rule and a CODEOWNERS for the provisional organization meanwhile.
        await using (var before = portal.OpenDatabase())
        {
            var provisional = (await before.Organizations.SingleAsync(o => o.Slug == "initech", Cancel)).Id;
            before.AutomationRules.Add(new AutomationRule
            {
                OrganizationId = provisional, Name = "Initech triage", Triggers = "error.created", Conditions = "[]", Actions = "[]",
                CreatedBy = "Ian", CreatedAt = DateTimeOffset.UnixEpoch,
            });
            before.CodeOwnersFiles.Add(new CodeOwnersFile { OrganizationId = provisional, Text = "* ian@initech.example", UpdatedBy = "Ian", UpdatedAt = DateTimeOffset.UnixEpoch });
            await before.SaveChangesAsync(Cancel);
        }

        using var response = await client.SendAsync(SignedRequests.Webhook("installation", named), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await portal.ProcessedDeliveryAsync(named);

        await using var db = portal.OpenDatabase();
        Assert.Equal(77, (await db.AutomationRules.SingleAsync(Cancel)).OrganizationId);
        Assert.Equal(77, (await db.CodeOwnersFiles.SingleAsync(Cancel)).OrganizationId);
        Assert.Equal(77, (await db.Installations.SingleAsync(i => i.Uuid == Guid.Parse(Unnamed), Cancel)).OrganizationId);
        Assert.Equal(77, (await db.Tickets.SingleAsync(t => t.Title == "Initech TPS reports", Cancel)).OrganizationId);
        Assert.Equal(77, (await db.CodeMappings.SingleAsync(Cancel)).OrganizationId);
        Assert.Equal(2, await db.WebhookDeliveries.CountAsync(d => d.OrganizationId == 77, Cancel));
        Assert.False(await db.Organizations.AnyAsync(o => o.Slug == "initech" && o.Id < 0, Cancel));
        Assert.Equal("initech", (await db.Organizations.SingleAsync(o => o.Id == 77, Cancel)).Slug);
    }
}
