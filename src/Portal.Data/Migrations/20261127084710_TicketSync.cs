using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class TicketSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SentrySyncError",
                table: "Tickets",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StatusChangedAt",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "FromPortal",
                table: "TicketComments",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "SentryUpdatedAt",
                table: "TicketComments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SentryAssigneeId",
                table: "IssueLinks",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SentryStatusAt",
                table: "IssueLinks",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SentrySyncError",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "StatusChangedAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "FromPortal",
                table: "TicketComments");

            migrationBuilder.DropColumn(
                name: "SentryUpdatedAt",
                table: "TicketComments");

            migrationBuilder.DropColumn(
                name: "SentryAssigneeId",
                table: "IssueLinks");

            migrationBuilder.DropColumn(
                name: "SentryStatusAt",
                table: "IssueLinks");
        }
    }
}
