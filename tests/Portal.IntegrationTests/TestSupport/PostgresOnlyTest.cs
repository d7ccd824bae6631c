using Portal.Data;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// A test class of what only PostgreSQL does (its locks, its group commit, instances sharing one database): it runs
/// on PostgreSQL whichever provider this run tests, and every test skips, saying why, when no server is at hand.
/// </summary>
public abstract class PostgresOnlyTest(bool ownDatabase = false) : IAsyncLifetime
{
    private TestDatabase? database;

    /// <summary>The test's own database on the current schema (when asked for), dropped after the test.</summary>
    internal TestDatabase Database => database ?? throw new InvalidOperationException("This class asked for no database of its own.");

    public async ValueTask InitializeAsync()
    {
        Assert.SkipWhen(PostgresServer.Unavailable is not null, PostgresServer.Unavailable ?? "");
        if (ownDatabase)
        {
            database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        }

        await StartAsync();
    }

    // Runs after a skip or a failed start too: what StopAsync disposes may not exist.
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            GC.SuppressFinalize(this);
        }
    }

    /// <summary>What the class starts on the server, once the skip check has passed.</summary>
    protected virtual Task StartAsync() => Task.CompletedTask;

    protected virtual Task StopAsync() => Task.CompletedTask;
}
