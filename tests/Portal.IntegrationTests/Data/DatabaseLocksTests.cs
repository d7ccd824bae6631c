using Portal.Data;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Data;

/// <summary>Locks two instances on one PostgreSQL database both respect (design.md §7): the code exchange's guard.</summary>
public sealed class DatabaseLocksTests() : PostgresOnlyTest(ownDatabase: true)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_second_instance_waits_for_the_lock_until_the_first_releases_it_and_other_names_do_not_wait()
    {
        // Two instances: two DatabaseLocks, each with its own connections, on one database.
        var a = new DatabaseLocks(Database.Settings);
        var b = new DatabaseLocks(Database.Settings);
        var held = await a.AcquireAsync("installation-lifecycle:acme", Cancel);

        var waiting = b.AcquireAsync("installation-lifecycle:acme", Cancel);
        await using (await b.AcquireAsync("installation-lifecycle:globex", Cancel).WaitAsync(TimeSpan.FromSeconds(10), Cancel))
        {
        }

        await Task.Delay(TimeSpan.FromMilliseconds(300), Cancel);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await (await waiting.WaitAsync(TimeSpan.FromSeconds(10), Cancel)).DisposeAsync();
    }

    [Fact]
    public async Task A_holder_that_dies_leaves_the_lock_to_the_next_instance()
    {
        var a = new DatabaseLocks(Database.Settings);
        var b = new DatabaseLocks(Database.Settings);
        _ = await a.AcquireAsync("installation-lifecycle:acme", Cancel);
        var waiting = b.AcquireAsync("installation-lifecycle:acme", Cancel);

        // The holder's process is gone: the server ends its session (here, by terminating it, as a lost client would).
        var server = await PostgresServer.SharedAsync();
        var name = new Npgsql.NpgsqlConnectionStringBuilder(Database.ConnectionString).Database;
        await server.ExecuteAsync($"""
            SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND s.datname = '{name}'
            """);

        await (await waiting.WaitAsync(TimeSpan.FromSeconds(10), Cancel)).DisposeAsync();
    }

    [Fact]
    public async Task On_SQLite_there_is_nothing_to_wait_for_beyond_the_process()
    {
        await using var sqlite = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var locks = new DatabaseLocks(sqlite.Settings);

        var first = locks.AcquireAsync("x", Cancel);
        var second = locks.AcquireAsync("x", Cancel);

        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully);
    }
}
