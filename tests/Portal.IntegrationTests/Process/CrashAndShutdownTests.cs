using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Process;

/// <summary>
/// The promise behind every 2xx: acknowledged means committed, whatever happens to the process next
/// (reliability.md W2, D4, D6). These start the real build output as a child process.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class CrashAndShutdownTests : IDisposable
{
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"portal-process-{Guid.NewGuid():N}.db");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_kill_9_under_load_every_acknowledged_delivery_is_stored_and_is_processed_after_the_restart()
    {
        var portal = await PortalProcess.StartAsync(databasePath);
        var load = new LoadGenerator(portal.BaseAddress);
        using var stop = new CancellationTokenSource();

        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Cancel);
        portal.Kill();
        await portal.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await running;
        await portal.DisposeAsync();

        Assert.True(load.Acknowledged.Count > 100, $"only {load.Acknowledged.Count} deliveries were acknowledged before the kill");
        Assert.Equal("ok", Scalar("PRAGMA integrity_check;"));
        var stored = StoredHashes();
        Assert.All(load.Acknowledged, body => Assert.Contains(Convert.ToHexString(SHA256.HashData(body)), stored));

        await using var restarted = await PortalProcess.StartAsync(databasePath);
        await Eventually.TrueAsync(
            () => Task.FromResult(Convert.ToInt64(Scalar("SELECT COUNT(*) FROM WebhookDeliveries WHERE State <> 1;"), System.Globalization.CultureInfo.InvariantCulture) == 0),
            "every stored delivery processed after the restart", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task On_sigterm_under_load_the_portal_exits_within_10_seconds_with_code_0_and_loses_nothing_it_acknowledged()
    {
        var portal = await PortalProcess.StartAsync(databasePath);
        var load = new LoadGenerator(portal.BaseAddress);
        using var stop = new CancellationTokenSource();

        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        var terminatedAt = DateTime.UtcNow;
        portal.Terminate();
        await portal.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var exitTime = DateTime.UtcNow - terminatedAt;
        await stop.CancelAsync();
        await running;

        Assert.True(exitTime < TimeSpan.FromSeconds(10), $"exit took {exitTime}");
        Assert.Equal(0, portal.ExitCode);
        var stored = StoredHashes();
        Assert.True(load.Acknowledged.Count > 100, $"only {load.Acknowledged.Count} acknowledged");
        Assert.All(load.Acknowledged, body => Assert.Contains(Convert.ToHexString(SHA256.HashData(body)), stored));
        await portal.DisposeAsync();
    }

    public void Dispose() => PortalProcess.DeleteFiles(databasePath);

    private HashSet<string> StoredHashes()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT BodySha256 FROM WebhookDeliveries;";
        using var reader = command.ExecuteReader();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            hashes.Add(Convert.ToHexString((byte[])reader[0]));
        }

        return hashes;
    }

    private object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        return connection;
    }
}

[CollectionDefinition(nameof(ProcessTests), DisableParallelization = true)]
public sealed class ProcessTests;
