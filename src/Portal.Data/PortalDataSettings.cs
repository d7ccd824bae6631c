using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// The database the portal was configured with, for the parts that talk to it without EF Core (the ingest writer,
/// the overview's aggregates) and for the options every <see cref="PortalDbContext"/> is built with.
/// </summary>
public sealed record PortalDataSettings(string ConnectionString, DatabaseProvider Provider = DatabaseProvider.Sqlite)
{
    /// <summary>The assembly holding PostgreSQL's migrations (SQLite's live in Portal.Data itself).</summary>
    public const string PostgresMigrationsAssembly = "Portal.Data.Postgres";

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>Points <paramref name="builder"/> at this database, the same way for the app, the tools and the tests.</summary>
    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Provider switch
        {
            DatabaseProvider.Postgres => builder.UseNpgsql(ConnectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly)),
            _ => builder.UseSqlite(ConnectionString).AddInterceptors(new SqlitePragmas()),
        };
    }

    /// <summary>Options for a context outside dependency injection (tools, tests).</summary>
    public DbContextOptions<PortalDbContext> Options() =>
        (DbContextOptions<PortalDbContext>)Configure(new DbContextOptionsBuilder<PortalDbContext>()).Options;
}
