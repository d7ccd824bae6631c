using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class AutomationOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ActedAt",
                table: "AutomationRuns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Actions",
                table: "AutomationRuns",
                type: "TEXT",
                maxLength: 20000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "AutomationRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "AutomationRuns",
                type: "INTEGER",
                nullable: true);

            // Runs written before the outbox keep the actions their rule has now: the nearest thing to what they matched with.
            migrationBuilder.Sql("""UPDATE "AutomationRuns" SET "Actions" = (SELECT r."Actions" FROM "AutomationRules" r WHERE r."Id" = "AutomationRuns"."RuleId");""");

            // Runs that acted count against the storm limit; failed ones, retried by their delivery until now, become the worker's.
            migrationBuilder.Sql("""UPDATE "AutomationRuns" SET "ActedAt" = "At" WHERE "Outcome" IN (0, 1, 2);""");
            migrationBuilder.Sql("""UPDATE "AutomationRuns" SET "NextAttemptAt" = "At" WHERE "Outcome" = 2;""");

            migrationBuilder.CreateTable(
                name: "AutomationSightings",
                columns: table => new
                {
                    RuleId = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliveryId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganizationId = table.Column<long>(type: "INTEGER", nullable: false),
                    IssueId = table.Column<long>(type: "INTEGER", nullable: true),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutomationSightings", x => new { x.RuleId, x.DeliveryId });
                    table.ForeignKey(
                        name: "FK_AutomationSightings_AutomationRules_RuleId",
                        column: x => x.RuleId,
                        principalTable: "AutomationRules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AutomationRuns_NextAttemptAt",
                table: "AutomationRuns",
                column: "NextAttemptAt");

            migrationBuilder.CreateIndex(
                name: "IX_AutomationRuns_RuleId_ActedAt",
                table: "AutomationRuns",
                columns: new[] { "RuleId", "ActedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AutomationSightings_OrganizationId_At",
                table: "AutomationSightings",
                columns: new[] { "OrganizationId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AutomationSightings_RuleId_At",
                table: "AutomationSightings",
                columns: new[] { "RuleId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AutomationSightings");

            migrationBuilder.DropIndex(
                name: "IX_AutomationRuns_NextAttemptAt",
                table: "AutomationRuns");

            migrationBuilder.DropIndex(
                name: "IX_AutomationRuns_RuleId_ActedAt",
                table: "AutomationRuns");

            migrationBuilder.DropColumn(
                name: "ActedAt",
                table: "AutomationRuns");

            migrationBuilder.DropColumn(
                name: "Actions",
                table: "AutomationRuns");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "AutomationRuns");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "AutomationRuns");
        }
    }
}
