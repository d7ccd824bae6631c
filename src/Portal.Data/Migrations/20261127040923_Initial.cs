using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Installations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    AppSlug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    OrganizationSlug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    OrganizationId = table.Column<long>(type: "INTEGER", nullable: true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ProtectedAccessToken = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedRefreshToken = table.Column<string>(type: "TEXT", nullable: true),
                    TokenExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    InstalledAt = table.Column<long>(type: "INTEGER", nullable: false),
                    VerifiedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UninstalledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Installations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    BodySha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    Resource = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    InstallationUuid = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    OrganizationSlug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    HookTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    Flags = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveryBodies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveryBodies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveryBodies_WebhookDeliveries_Id",
                        column: x => x.Id,
                        principalTable: "WebhookDeliveries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Installations_OrganizationSlug",
                table: "Installations",
                column: "OrganizationSlug");

            migrationBuilder.CreateIndex(
                name: "IX_Installations_Uuid",
                table: "Installations",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_BodySha256",
                table: "WebhookDeliveries",
                column: "BodySha256",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_Due",
                table: "WebhookDeliveries",
                columns: new[] { "Id", "NextAttemptAt" },
                filter: "\"State\" IN (0, 2)");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_InstallationUuid",
                table: "WebhookDeliveries",
                column: "InstallationUuid");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_RequestId",
                table: "WebhookDeliveries",
                column: "RequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Installations");

            migrationBuilder.DropTable(
                name: "WebhookDeliveryBodies");

            migrationBuilder.DropTable(
                name: "WebhookDeliveries");
        }
    }
}
