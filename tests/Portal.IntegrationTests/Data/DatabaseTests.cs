using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Data;

public sealed class DatabaseTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_checked_in_migrations_match_the_model()
    {
        _ = factory.Services;
        await using var db = factory.OpenDatabase();

        // CI runs this once per provider: each keeps its own migrations (docs/database.md).
        Assert.False(db.Database.HasPendingModelChanges(), TestDatabase.RunsOnPostgres
            ? "Run: dotnet ef migrations add <Name> --project src/Portal.Data.Postgres --startup-project src/Portal -- --Portal:Database:Provider=Postgres \"--ConnectionStrings:Portal=Host=localhost\""
            : "Run: dotnet ef migrations add <Name> --project src/Portal.Data --startup-project src/Portal");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancel));
    }

    [Fact]
    public async Task Connections_from_the_app_use_wal_full_durability_a_busy_timeout_and_foreign_keys()
    {
        Assert.SkipWhen(TestDatabase.RunsOnPostgres, "SQLite's per-connection settings; PostgreSQL's durability is checked by the next test.");
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(Cancel);
        await db.Database.OpenConnectionAsync(Cancel);
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await PragmaAsync(connection, "journal_mode"));
        Assert.Equal("2", await PragmaAsync(connection, "synchronous"));
        Assert.Equal("5000", await PragmaAsync(connection, "busy_timeout"));
        Assert.Equal("1", await PragmaAsync(connection, "foreign_keys"));
    }

    [Fact]
    public async Task On_PostgreSQL_a_commit_waits_for_the_write_ahead_log()
    {
        Assert.SkipUnless(TestDatabase.RunsOnPostgres, "PostgreSQL only; SQLite's durability is checked by the test above.");
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(Cancel);
        await db.Database.OpenConnectionAsync(Cancel);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SHOW synchronous_commit;";

        // A 2xx means committed (reliability.md D1): nothing in the portal's connections may turn this off.
        Assert.Equal("on", await command.ExecuteScalarAsync(Cancel));
    }

    private static async Task<string?> PragmaAsync(DbConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture);
    }
}
