using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Organizations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    Slug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SlugSeenAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Organizations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SignInSessions",
                columns: table => new
                {
                    KeyHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ProtectedTicket = table.Column<byte[]>(type: "bytea", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    AbsoluteExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInSessions", x => x.KeyHash);
                });

            migrationBuilder.CreateTable(
                name: "CodeMappings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    ProjectSlug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    StackRoot = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    SourceRoot = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    UrlTemplate = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CodeMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CodeMappings_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Installations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Uuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    AppSlug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: true),
                    SentryAppId = table.Column<long>(type: "bigint", nullable: true),
                    GrantCodeSha256 = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ProtectedAccessToken = table.Column<string>(type: "text", nullable: true),
                    ProtectedRefreshToken = table.Column<string>(type: "text", nullable: true),
                    TokenExpiresAt = table.Column<long>(type: "bigint", nullable: true),
                    LastRefreshedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastRefreshError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    RefreshLeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    InstalledAt = table.Column<long>(type: "bigint", nullable: false),
                    VerifiedAt = table.Column<long>(type: "bigint", nullable: true),
                    VerificationError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    VerificationAttempts = table.Column<int>(type: "integer", nullable: false),
                    NextVerificationAt = table.Column<long>(type: "bigint", nullable: true),
                    UninstalledAt = table.Column<long>(type: "bigint", nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Installations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Installations_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OrganizationPeople",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    SentryUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    LastSeenAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrganizationPeople", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OrganizationPeople_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ServiceHooks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HookId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    ProjectSlug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    SecretHint = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceHooks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ServiceHooks_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Tickets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Description = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    AssigneeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AssigneeName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    StatusChangedAt = table.Column<long>(type: "bigint", nullable: true),
                    SentrySyncError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tickets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Tickets_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    BodySha256 = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    Resource = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    InstallationUuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: true),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false),
                    HookTimestamp = table.Column<long>(type: "bigint", nullable: true),
                    Flags = table.Column<int>(type: "integer", nullable: false),
                    Source = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: false),
                    ProcessedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Summary = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveries_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AlertRuleTriggers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RuleKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubjectKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TicketId = table.Column<int>(type: "integer", nullable: false),
                    LastEventAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertRuleTriggers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertRuleTriggers_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AlertRuleTriggers_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IssueLinks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TicketId = table.Column<int>(type: "integer", nullable: false),
                    OrganizationId = table.Column<long>(type: "bigint", nullable: false),
                    SentryIssueId = table.Column<long>(type: "bigint", nullable: false),
                    InstallationUuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ShortId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ProjectSlug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    WebUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    SentryStatus = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    SentryStatusAt = table.Column<long>(type: "bigint", nullable: true),
                    SentryAssigneeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LinkedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    LinkedAt = table.Column<long>(type: "bigint", nullable: false),
                    RegisteredWithSentryAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IssueLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IssueLinks_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_IssueLinks_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TicketComments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TicketId = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    Author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: true),
                    SentryCommentId = table.Column<long>(type: "bigint", nullable: true),
                    SentryUpdatedAt = table.Column<long>(type: "bigint", nullable: true),
                    FromPortal = table.Column<bool>(type: "boolean", nullable: false),
                    DeletedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketComments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TicketComments_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveryBodies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    Body = table.Column<byte[]>(type: "bytea", nullable: false)
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
                name: "IX_AlertRuleTriggers_OrganizationId_Kind_RuleKey_SubjectKey",
                table: "AlertRuleTriggers",
                columns: new[] { "OrganizationId", "Kind", "RuleKey", "SubjectKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlertRuleTriggers_TicketId",
                table: "AlertRuleTriggers",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_CodeMappings_OrganizationId_ProjectSlug_StackRoot",
                table: "CodeMappings",
                columns: new[] { "OrganizationId", "ProjectSlug", "StackRoot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Installations_OrganizationId",
                table: "Installations",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_Installations_Uuid",
                table: "Installations",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssueLinks_OrganizationId_SentryIssueId",
                table: "IssueLinks",
                columns: new[] { "OrganizationId", "SentryIssueId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssueLinks_TicketId",
                table: "IssueLinks",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_OrganizationPeople_OrganizationId_SentryUserId",
                table: "OrganizationPeople",
                columns: new[] { "OrganizationId", "SentryUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ServiceHooks_HookId",
                table: "ServiceHooks",
                column: "HookId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ServiceHooks_OrganizationId",
                table: "ServiceHooks",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_SignInSessions_ExpiresAt",
                table: "SignInSessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_TicketComments_TicketId_SentryCommentId",
                table: "TicketComments",
                columns: new[] { "TicketId", "SentryCommentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Choices",
                table: "Tickets",
                columns: new[] { "OrganizationId", "Number", "Status", "Title" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_OrganizationId_Number",
                table: "Tickets",
                columns: new[] { "OrganizationId", "Number" },
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
                name: "IX_WebhookDeliveries_OrganizationId_Id",
                table: "WebhookDeliveries",
                columns: new[] { "OrganizationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_ReceivedAt",
                table: "WebhookDeliveries",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_RequestId",
                table: "WebhookDeliveries",
                column: "RequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertRuleTriggers");

            migrationBuilder.DropTable(
                name: "CodeMappings");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "Installations");

            migrationBuilder.DropTable(
                name: "IssueLinks");

            migrationBuilder.DropTable(
                name: "OrganizationPeople");

            migrationBuilder.DropTable(
                name: "ServiceHooks");

            migrationBuilder.DropTable(
                name: "SignInSessions");

            migrationBuilder.DropTable(
                name: "TicketComments");

            migrationBuilder.DropTable(
                name: "WebhookDeliveryBodies");

            migrationBuilder.DropTable(
                name: "Tickets");

            migrationBuilder.DropTable(
                name: "WebhookDeliveries");

            migrationBuilder.DropTable(
                name: "Organizations");
        }
    }
}
