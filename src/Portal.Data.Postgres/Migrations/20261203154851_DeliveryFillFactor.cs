using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <summary>
    /// Leaves room on each page of the delivery table for the processor's claim. A claim, its renewals and its release
    /// change no indexed column, so with room on the page PostgreSQL makes them HOT updates that write no index entries;
    /// on packed pages every claim wrote a new entry in each of the table's seven indexes (docs/benchmarks.md).
    /// Only the delivery rows: the bodies are written once and never updated. Applies to pages written from now on.
    /// </summary>
    public partial class DeliveryFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE "WebhookDeliveries" SET (fillfactor = 70);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE "WebhookDeliveries" RESET (fillfactor);""");
        }
    }
}
