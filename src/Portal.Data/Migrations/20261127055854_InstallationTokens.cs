using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class InstallationTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastRefreshError",
                table: "Installations",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastRefreshedAt",
                table: "Installations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextVerificationAt",
                table: "Installations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RefreshLeaseUntil",
                table: "Installations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "VerificationAttempts",
                table: "Installations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "VerificationError",
                table: "Installations",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastRefreshError",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "LastRefreshedAt",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "NextVerificationAt",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "RefreshLeaseUntil",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "VerificationAttempts",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "VerificationError",
                table: "Installations");
        }
    }
}
