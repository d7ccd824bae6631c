using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrganizationIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "WebhookDeliveries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "ServiceHooks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "OrganizationPeople",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "IssueLinks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "GrantCodeSha256",
                table: "Installations",
                type: "BLOB",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SentryAppId",
                table: "Installations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "CodeMappings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "AlertRuleTriggers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Organizations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SlugSeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Organizations", x => x.Id);
                });

            // Organizations the portal already knows by id, named by their newest installation's slug.
            migrationBuilder.Sql("""
                INSERT INTO "Organizations" ("Id", "Slug", "SlugSeenAt")
                SELECT i."OrganizationId", i."OrganizationSlug", i."InstalledAt" FROM "Installations" AS i
                WHERE i."OrganizationId" IS NOT NULL
                  AND i."Id" = (SELECT MAX(j."Id") FROM "Installations" AS j WHERE j."OrganizationId" = i."OrganizationId");
                """);

            // An installation without an id whose slug another installation's id goes with is that organization
            // (a reinstall); the rest become provisional organizations (negative ids), adopted when Sentry names them.
            migrationBuilder.Sql("""
                UPDATE "Installations" SET "OrganizationId" = (
                    SELECT j."OrganizationId" FROM "Installations" AS j
                    WHERE j."OrganizationSlug" = "Installations"."OrganizationSlug" AND j."OrganizationSlug" <> '' AND j."OrganizationId" IS NOT NULL
                    ORDER BY j."Id" DESC LIMIT 1)
                WHERE "OrganizationId" IS NULL;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "Organizations" ("Id", "Slug", "SlugSeenAt")
                SELECT -i."Id", i."OrganizationSlug", i."InstalledAt" FROM "Installations" AS i WHERE i."OrganizationId" IS NULL;
                """);
            migrationBuilder.Sql("""UPDATE "Installations" SET "OrganizationId" = -"Id" WHERE "OrganizationId" IS NULL;""");

            // Every slug-keyed row takes the id of its slug's installation, one Sentry named first.
            string[] tenantTables = ["Tickets", "IssueLinks", "AlertRuleTriggers", "CodeMappings", "ServiceHooks", "OrganizationPeople", "WebhookDeliveries"];
            foreach (var table in tenantTables)
            {
                migrationBuilder.Sql($"""
                    UPDATE "{table}" SET "OrganizationId" = (
                        SELECT i."OrganizationId" FROM "Installations" AS i WHERE i."OrganizationSlug" = "{table}"."OrganizationSlug"
                        ORDER BY i."OrganizationId" > 0 DESC, i."Id" DESC LIMIT 1)
                    WHERE "OrganizationSlug" IS NOT NULL;
                    """);
            }

            // Rows whose slug no installation carries (none should exist) keep their data under a provisional
            // organization of their own, which only operators see. Deliveries without one stay without.
            migrationBuilder.Sql("""
                INSERT INTO "Organizations" ("Id", "Slug", "SlugSeenAt")
                SELECT -1000000000 - ROW_NUMBER() OVER (ORDER BY "Slug"), "Slug", 0 FROM (
                    SELECT "OrganizationSlug" AS "Slug" FROM "Tickets" WHERE "OrganizationId" IS NULL
                    UNION SELECT "OrganizationSlug" FROM "IssueLinks" WHERE "OrganizationId" IS NULL
                    UNION SELECT "OrganizationSlug" FROM "AlertRuleTriggers" WHERE "OrganizationId" IS NULL
                    UNION SELECT "OrganizationSlug" FROM "CodeMappings" WHERE "OrganizationId" IS NULL
                    UNION SELECT "OrganizationSlug" FROM "ServiceHooks" WHERE "OrganizationId" IS NULL
                    UNION SELECT "OrganizationSlug" FROM "OrganizationPeople" WHERE "OrganizationId" IS NULL);
                """);
            foreach (var table in tenantTables[..^1])
            {
                migrationBuilder.Sql($"""
                    UPDATE "{table}" SET "OrganizationId" = (
                        SELECT o."Id" FROM "Organizations" AS o WHERE o."Id" <= -1000000000 AND o."Slug" = "{table}"."OrganizationSlug")
                    WHERE "OrganizationId" IS NULL;
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Organizations");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "WebhookDeliveries");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "ServiceHooks");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "OrganizationPeople");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "IssueLinks");

            migrationBuilder.DropColumn(
                name: "GrantCodeSha256",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "SentryAppId",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "CodeMappings");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "AlertRuleTriggers");
        }
    }
}
