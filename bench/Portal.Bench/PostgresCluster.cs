using System.Diagnostics;
using Npgsql;

namespace Portal.Bench;

/// <summary>
/// The PostgreSQL a run uses: the one named by <c>--postgres</c>, or a throw-away cluster started from Debian's
/// binaries in a temp folder on a free loopback port. Unlike the tests' cluster this one is durable (fsync and
/// synchronous_commit on, the defaults): the floor is about deliveries that survive a crash.
/// </summary>
internal sealed class PostgresCluster
{
    private readonly string adminConnectionString;
    private readonly string? dataDirectory;
    private readonly string? pgCtl;
    private int stopped;

    private PostgresCluster(string adminConnectionString, string? dataDirectory, string? pgCtl, string description)
    {
        this.adminConnectionString = adminConnectionString;
        this.dataDirectory = dataDirectory;
        this.pgCtl = pgCtl;
        Description = description;
    }

    public string Description { get; }

    /// <summary>The postmaster's process id when this run started the cluster (its backends are its children).</summary>
    public int? PostmasterPid => dataDirectory is not null && File.Exists(Path.Combine(dataDirectory, "postmaster.pid"))
        && int.TryParse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null;

    public static PostgresCluster Use(string adminConnectionString) =>
        new(adminConnectionString, null, null, $"given: {new NpgsqlConnectionStringBuilder(adminConnectionString).Host}");

    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending(StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); apt-get install postgresql or pass --postgres.");
        }

        var directory = Directory.CreateTempSubdirectory("portal-bench-pg-").FullName;
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(data);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", ["-R", "postgres", directory], false, cancellationToken);
        }

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"], asRoot, cancellationToken);
        var port = ChildServer.FreePort();
        var pgCtl = Path.Combine(bin, "pg_ctl");

        // Durable: fsync and synchronous_commit stay at their defaults (on). WAL I/O timing and per-statement
        // execution and planning times for the report.
        var settings = $"-p {port} -k {data} -h 127.0.0.1 -c max_connections=200 -c track_wal_io_timing=on"
            + " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on";
        await RunAsync(pgCtl, ["-D", data, "-l", Path.Combine(directory, "log"), "-w", "-o", settings, "start"], asRoot, cancellationToken);
        var version = Path.GetFileName(Path.GetDirectoryName(bin)) ?? "?";
        return new PostgresCluster(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", data, pgCtl,
            $"throw-away PostgreSQL {version} cluster on 127.0.0.1:{port} (fsync on, synchronous_commit on, max_connections 200)");
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;

    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await ExecuteAsync($"""CREATE DATABASE "{name}" """, cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>Best effort: after Ctrl+C the cluster may already be stopped.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await ExecuteAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""", CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            Console.Error.WriteLine($"Could not drop database {name}: {exception.Message}");
        }
    }

    /// <summary>Stops a cluster this run started and deletes it; safe to call twice and from Ctrl+C.</summary>
    public void Stop()
    {
        if (dataDirectory is null || Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            RunAsync(pgCtl!, ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], Environment.UserName == "root", CancellationToken.None)
                .GetAwaiter().GetResult();
            Directory.Delete(Path.GetDirectoryName(dataDirectory)!, recursive: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not stop or remove the PostgreSQL cluster in {dataDirectory}: {exception.Message}");
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
