using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrganizationKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_Choices",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_OrganizationSlug_Number",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_OrganizationPeople_OrganizationSlug_SentryUserId",
                table: "OrganizationPeople");

            migrationBuilder.DropIndex(
                name: "IX_IssueLinks_OrganizationSlug_SentryIssueId",
                table: "IssueLinks");

            migrationBuilder.DropIndex(
                name: "IX_Installations_OrganizationSlug",
                table: "Installations");

            migrationBuilder.DropIndex(
                name: "IX_CodeMappings_OrganizationSlug_ProjectSlug_StackRoot",
                table: "CodeMappings");

            migrationBuilder.DropIndex(
                name: "IX_AlertRuleTriggers_OrganizationSlug_Kind_RuleKey_SubjectKey",
                table: "AlertRuleTriggers");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "WebhookDeliveries");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "ServiceHooks");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "OrganizationPeople");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "IssueLinks");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "CodeMappings");

            migrationBuilder.DropColumn(
                name: "OrganizationSlug",
                table: "AlertRuleTriggers");

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "Tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "ServiceHooks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "OrganizationPeople",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "IssueLinks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "CodeMappings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "AlertRuleTriggers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_OrganizationId_Id",
                table: "WebhookDeliveries",
                columns: new[] { "OrganizationId", "Id" });

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
                name: "IX_ServiceHooks_OrganizationId",
                table: "ServiceHooks",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_OrganizationPeople_OrganizationId_SentryUserId",
                table: "OrganizationPeople",
                columns: new[] { "OrganizationId", "SentryUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssueLinks_OrganizationId_SentryIssueId",
                table: "IssueLinks",
                columns: new[] { "OrganizationId", "SentryIssueId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Installations_OrganizationId",
                table: "Installations",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_CodeMappings_OrganizationId_ProjectSlug_StackRoot",
                table: "CodeMappings",
                columns: new[] { "OrganizationId", "ProjectSlug", "StackRoot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlertRuleTriggers_OrganizationId_Kind_RuleKey_SubjectKey",
                table: "AlertRuleTriggers",
                columns: new[] { "OrganizationId", "Kind", "RuleKey", "SubjectKey" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_AlertRuleTriggers_Organizations_OrganizationId",
                table: "AlertRuleTriggers",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_CodeMappings_Organizations_OrganizationId",
                table: "CodeMappings",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Installations_Organizations_OrganizationId",
                table: "Installations",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_IssueLinks_Organizations_OrganizationId",
                table: "IssueLinks",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_OrganizationPeople_Organizations_OrganizationId",
                table: "OrganizationPeople",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ServiceHooks_Organizations_OrganizationId",
                table: "ServiceHooks",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Tickets_Organizations_OrganizationId",
                table: "Tickets",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_WebhookDeliveries_Organizations_OrganizationId",
                table: "WebhookDeliveries",
                column: "OrganizationId",
                principalTable: "Organizations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_AlertRuleTriggers_Organizations_OrganizationId",
                table: "AlertRuleTriggers");

            migrationBuilder.DropForeignKey(
                name: "FK_CodeMappings_Organizations_OrganizationId",
                table: "CodeMappings");

            migrationBuilder.DropForeignKey(
                name: "FK_Installations_Organizations_OrganizationId",
                table: "Installations");

            migrationBuilder.DropForeignKey(
                name: "FK_IssueLinks_Organizations_OrganizationId",
                table: "IssueLinks");

            migrationBuilder.DropForeignKey(
                name: "FK_OrganizationPeople_Organizations_OrganizationId",
                table: "OrganizationPeople");

            migrationBuilder.DropForeignKey(
                name: "FK_ServiceHooks_Organizations_OrganizationId",
                table: "ServiceHooks");

            migrationBuilder.DropForeignKey(
                name: "FK_Tickets_Organizations_OrganizationId",
                table: "Tickets");

            migrationBuilder.DropForeignKey(
                name: "FK_WebhookDeliveries_Organizations_OrganizationId",
                table: "WebhookDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_WebhookDeliveries_OrganizationId_Id",
                table: "WebhookDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Choices",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_OrganizationId_Number",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_ServiceHooks_OrganizationId",
                table: "ServiceHooks");

            migrationBuilder.DropIndex(
                name: "IX_OrganizationPeople_OrganizationId_SentryUserId",
                table: "OrganizationPeople");

            migrationBuilder.DropIndex(
                name: "IX_IssueLinks_OrganizationId_SentryIssueId",
                table: "IssueLinks");

            migrationBuilder.DropIndex(
                name: "IX_Installations_OrganizationId",
                table: "Installations");

            migrationBuilder.DropIndex(
                name: "IX_CodeMappings_OrganizationId_ProjectSlug_StackRoot",
                table: "CodeMappings");

            migrationBuilder.DropIndex(
                name: "IX_AlertRuleTriggers_OrganizationId_Kind_RuleKey_SubjectKey",
                table: "AlertRuleTriggers");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "WebhookDeliveries",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "Tickets",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "Tickets",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "ServiceHooks",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "ServiceHooks",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "OrganizationPeople",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "OrganizationPeople",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "IssueLinks",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "IssueLinks",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "Installations",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "CodeMappings",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "CodeMappings",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<long>(
                name: "OrganizationId",
                table: "AlertRuleTriggers",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationSlug",
                table: "AlertRuleTriggers",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Choices",
                table: "Tickets",
                columns: new[] { "OrganizationSlug", "Number", "Status", "Title" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_OrganizationSlug_Number",
                table: "Tickets",
                columns: new[] { "OrganizationSlug", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OrganizationPeople_OrganizationSlug_SentryUserId",
                table: "OrganizationPeople",
                columns: new[] { "OrganizationSlug", "SentryUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssueLinks_OrganizationSlug_SentryIssueId",
                table: "IssueLinks",
                columns: new[] { "OrganizationSlug", "SentryIssueId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Installations_OrganizationSlug",
                table: "Installations",
                column: "OrganizationSlug");

            migrationBuilder.CreateIndex(
                name: "IX_CodeMappings_OrganizationSlug_ProjectSlug_StackRoot",
                table: "CodeMappings",
                columns: new[] { "OrganizationSlug", "ProjectSlug", "StackRoot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlertRuleTriggers_OrganizationSlug_Kind_RuleKey_SubjectKey",
                table: "AlertRuleTriggers",
                columns: new[] { "OrganizationSlug", "Kind", "RuleKey", "SubjectKey" },
                unique: true);
        }
    }
}
