using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.TestSupport;

/// <summary>
/// A real PostgreSQL for the tests: the one named by <c>PORTAL_TEST_POSTGRES</c> (an admin connection string; CI
/// starts a throw-away cluster and sets it), else a throw-away cluster this test process starts from Debian's
/// binaries (initdb in a temp directory, loopback only, stopped when the process exits). Tests get databases
/// copied from one migrated template, so each starts on the current schema in milliseconds.
/// </summary>
internal sealed class PostgresServer
{
    public const string ServerVariable = "PORTAL_TEST_POSTGRES";
    // Per test process: two test projects running at once on one server never share (or drop) each other's template.
    private static readonly string Template = $"portal_template_{Environment.ProcessId}";

    private static readonly Lazy<Task<PostgresServer?>> SharedServer = new(StartAsync);
    private readonly string adminConnectionString;
    private static readonly SemaphoreSlim Creating = new(1, 1);

    private PostgresServer(string adminConnectionString) => this.adminConnectionString = adminConnectionString;

    /// <summary>Why no server is at hand (no binaries and no <c>PORTAL_TEST_POSTGRES</c>), or null when one is.</summary>
    public static string? Unavailable => BinDirectory() is null && Environment.GetEnvironmentVariable(ServerVariable) is not { Length: > 0 }
        ? $"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and {ServerVariable} is not set; `apt-get install postgresql` or set {ServerVariable}."
        : null;

    /// <summary>The shared server; throws with <see cref="Unavailable"/>'s reason when there is none.</summary>
    public static async Task<PostgresServer> SharedAsync() =>
        await SharedServer.Value ?? throw new InvalidOperationException(Unavailable ?? "PostgreSQL could not be started.");

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;

    /// <summary>A new database on the current schema (a copy of the migrated template), or an empty one.</summary>
    public async Task<string> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"portal_test_{Guid.NewGuid():N}";
        if (!migrated)
        {
            await ExecuteAsync($"""CREATE DATABASE "{name}" """);
            return ConnectionStringFor(name);
        }

        // One CREATE DATABASE … TEMPLATE at a time: PostgreSQL refuses a copy while the template is being read.
        await Creating.WaitAsync();
        try
        {
            await ExecuteAsync($"""CREATE DATABASE "{name}" TEMPLATE {Template} STRATEGY FILE_COPY""");
        }
        finally
        {
            Creating.Release();
        }

        return ConnectionStringFor(name);
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer?> StartAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } given
            ? new PostgresServer(given)
            : await StartClusterAsync();
        if (server is not null)
        {
            await server.CreateTemplateAsync();
        }

        return server;
    }

    // Each test process that needs one migrates its own template, so two processes on one server never share it.
    private async Task CreateTemplateAsync()
    {
        await ExecuteAsync($"""DROP DATABASE IF EXISTS {Template} WITH (FORCE)""");
        await ExecuteAsync($"""CREATE DATABASE {Template}""");
        var settings = new PortalDataSettings(ConnectionStringFor(Template), DatabaseProvider.Postgres);
        await using (var db = new PortalDbContext(settings.Options()))
        {
            await db.Database.MigrateAsync();
        }

        NpgsqlConnection.ClearAllPools();
    }

    private static async Task<PostgresServer?> StartClusterAsync()
    {
        if (BinDirectory() is not { } bin)
        {
            return null;
        }

        var directory = Directory.CreateTempSubdirectory("portal-pg-").FullName;
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(data);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", $"-R postgres \"{directory}\"", asPostgres: false);
        }

        await RunAsync(Path.Combine(bin, "initdb"), $"-D \"{data}\" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8", asRoot);
        var port = FreePort();
        // fsync off: these clusters hold test data only; a crash test kills the portal, never the machine.
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            $"-D \"{data}\" -l \"{Path.Combine(directory, "log")}\" -w -o \"-p {port} -k {data} -h 127.0.0.1 -F -c max_connections=400\" start", asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RunAsync(Path.Combine(bin, "pg_ctl"), $"-D \"{data}\" -m immediate -w stop", asRoot).GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        };

        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true");
    }

    private static string? BinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb"))).OrderDescending(StringComparer.Ordinal).FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
