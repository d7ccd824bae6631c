using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.TestSupport;

/// <summary>
/// A throw-away database for one test host or service collection, on the provider this run tests:
/// <c>PORTAL_TEST_DATABASE=postgres</c> runs every suite that touches data on PostgreSQL (CI runs both), and
/// anything else on SQLite files. Tests build every context and host setting from here, never by hand.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    public const string ProviderVariable = "PORTAL_TEST_DATABASE";

    private readonly PostgresServer? server;

    private TestDatabase(PortalDataSettings settings, PostgresServer? server, string? filePath)
    {
        Settings = settings;
        this.server = server;
        FilePath = filePath;
    }

    /// <summary>The provider this run tests.</summary>
    public static DatabaseProvider RunProvider { get; } =
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public static bool RunsOnPostgres => RunProvider == DatabaseProvider.Postgres;

    public PortalDataSettings Settings { get; }

    public string ConnectionString => Settings.ConnectionString;

    public DatabaseProvider Provider => Settings.Provider;

    /// <summary>The SQLite file (null on PostgreSQL).</summary>
    public string? FilePath { get; }

    /// <summary>What a host needs to use this database (as configuration keys; <c>__</c> for environment variables).</summary>
    public IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        ["ConnectionStrings:Portal"] = ConnectionString,
        [PortalDataRegistration.ProviderKey] = Provider.ToString(),
    };

    /// <summary>
    /// A database on this run's provider (or <paramref name="provider"/>): not yet migrated on SQLite, current on
    /// PostgreSQL unless <paramref name="empty"/>.
    /// </summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider? provider = null, bool empty = false)
    {
        if ((provider ?? RunProvider) == DatabaseProvider.Postgres)
        {
            var server = await PostgresServer.SharedAsync();
            return new TestDatabase(new PortalDataSettings(await server.CreateDatabaseAsync(migrated: !empty), DatabaseProvider.Postgres), server, null);
        }

        var path = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");
        return new TestDatabase(new PortalDataSettings($"Data Source={path}"), null, path);
    }

    /// <summary>For constructors, which cannot await: PostgreSQL's database is created on a pool thread.</summary>
    public static TestDatabase Create(DatabaseProvider? provider = null) =>
        Task.Run(() => CreateAsync(provider)).GetAwaiter().GetResult();

    public PortalDbContext Open() => new(Settings.Options());

    /// <summary>Brings the schema up to date, as the portal does at start.</summary>
    public async Task MigrateAsync()
    {
        await using var db = Open();
        await db.Database.MigrateAsync();
        if (Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }

    /// <summary>
    /// Makes the database unreachable until the result is disposed: on SQLite a directory stands where the file was
    /// (nothing can open or create it), on PostgreSQL the database refuses connections and its sessions are ended.
    /// </summary>
    public async Task<IAsyncDisposable> MakeUnreachableAsync()
    {
        if (server is not null)
        {
            var name = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database;
            await server.ExecuteAsync($"""ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false""");
            await server.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
            return new Restore(() => server.ExecuteAsync($"""ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true"""));
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(FilePath + suffix);
        }

        Directory.CreateDirectory(FilePath!);
        return new Restore(() =>
        {
            Directory.Delete(FilePath!);
            return Task.CompletedTask;
        });
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DropDatabaseAsync(ConnectionString);
            return;
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(FilePath + suffix);
        }
    }
}
