using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class CodeMappings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CodeMappings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganizationSlug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ProjectSlug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    StackRoot = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SourceRoot = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    UrlTemplate = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CodeMappings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CodeMappings_OrganizationSlug_ProjectSlug_StackRoot",
                table: "CodeMappings",
                columns: new[] { "OrganizationSlug", "ProjectSlug", "StackRoot" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CodeMappings");
        }
    }
}
