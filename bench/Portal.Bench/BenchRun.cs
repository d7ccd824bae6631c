using System.Collections.Concurrent;
using System.Diagnostics;
using Portal.Simulator;

namespace Portal.Bench;

/// <summary>
/// One bench invocation: generate the deliveries, run them against the portal (its Release build as a child process,
/// a fresh database, the live stream connected) and against the bare baseline, and report both.
/// </summary>
internal sealed partial class BenchRun(BenchOptions options, string root, string resultsDirectory, string stamp)
{
    private readonly ConcurrentDictionary<int, ChildServer> running = new();

    private PostgresCluster? cluster;
    private RedisServer? redis;

    /// <summary>Kills whatever this run started (servers, Redis, the PostgreSQL cluster); safe to call from Ctrl+C or process exit.</summary>
    public void KillChildren()
    {
        foreach (var child in running.Values)
        {
            child.KillNow();
        }

        redis?.Dispose();
        cluster?.Stop();
    }

    public async Task<(TargetResult? Portal, TargetResult? Baseline, DeliveryPool Pool)> RunAsync(CancellationToken cancellationToken)
    {
        var installation = Guid.NewGuid();
        var count = options.IsPaced
            ? LoadRunner.PacedCount(options)
            : options.Pool ?? (int)Math.Ceiling(15_000 * (options.Warmup + options.MeasuredSeconds));
        Console.WriteLine($"Generating {count:N0} unique signed deliveries (2-8 KB issue.*/error.created)...");
        var pool = DeliveryPool.Generate(count, installation, options.Secret);
        Console.WriteLine($"  done in {pool.GenerationTime.TotalSeconds:0.0} s, mean body {pool.MeanBytes:N0} bytes");

        TargetResult? portal = null;
        if (options.RunPortal)
        {
            try
            {
                if (options.IsPostgres)
                {
                    cluster = options.Postgres is { } given ? PostgresCluster.Use(given) : await PostgresCluster.StartAsync(cancellationToken);
                    Console.WriteLine($"PostgreSQL: {cluster.Description}");
                }

                portal = await RunPortalAsync(pool, installation, cancellationToken);
            }
            finally
            {
                cluster?.Stop();
            }
        }

        var baseline = options.RunBaseline ? await RunBaselineAsync(pool, cancellationToken) : null;
        return (portal, baseline, pool);
    }

    private async Task<TargetResult> RunPortalAsync(DeliveryPool pool, Guid installation, CancellationToken cancellationToken)
    {
        var databaseName = $"portal_bench_{stamp.Replace('-', '_')}_{options.Mode}";
        var connectionString = cluster is null ? null : await cluster.CreateDatabaseAsync(databaseName, cancellationToken);
        if (options.Instances > 1)
        {
            redis = await RedisServer.StartAsync(cancellationToken);
            Console.WriteLine($"redis-server on 127.0.0.1:{redis.Port} (no persistence)");
        }

        var servers = new List<ChildServer>();
        var dataDirectories = new List<DirectoryInfo>();
        try
        {
            // One after the other: started together on a fresh PostgreSQL database, the second instance failed its
            // migration ("column ClaimedBy ... already exists", 42701): EF Core's migration lock did not keep them apart.
            for (var i = 0; i < options.Instances; i++)
            {
                var (start, baseUrl, dataDirectory) = PortalStart(i, connectionString);
                dataDirectories.Add(dataDirectory);
                var name = InstanceName(i);
                Console.WriteLine($"Starting {name}: dotnet {Path.GetRelativePath(root, start.ArgumentList[0])} on {baseUrl} ({(connectionString is null ? $"SQLite in {dataDirectory.FullName}" : $"PostgreSQL database {databaseName}")})");
                servers.Add(await StartAsync(name, start, baseUrl, Path.Combine(resultsDirectory, $"{stamp}-{options.Mode}-{name}.log"), cancellationToken, waitIdle: i == 0));
            }

            var idle = servers.Select(s => s.CurrentMemoryMb).ToArray();
            await InstallAsync(servers[0].BaseUrl, installation, cancellationToken);

            // The probe listens on the last instance, so with two it hears the first one's deliveries through Redis.
            await using var probe = await StreamProbe.ConnectAsync(servers[^1].BaseUrl, cancellationToken);
            Console.WriteLine(probe.Available ? $"  live stream connected (/hubs/deliveries on {servers[^1].Name})" : "  live stream: unavailable");

            var processes = servers.Select(s => new CpuSource(s.Name, s.CpuTime, true)).ToList();
            if (cluster?.PostmasterPid is { } postmaster)
            {
                processes.Add(new CpuSource("postgres", () => ProcessTreeCpu.Read(postmaster), false));
            }

            if (redis is { } r)
            {
                processes.Add(new CpuSource("redis", () => ProcessTreeCpu.Read(r.ProcessId), false));
            }

            var sampling = connectionString is null
                ? Task.FromResult<PostgresStats?>(null)
                : PostgresSampler.SampleAsync(connectionString, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.MeasuredSeconds), cancellationToken);
            var log = new SendLog(pool.Count);
            Console.WriteLine($"  load: {Describe()}");
            var load = await new LoadRunner(options, pool).RunAsync(servers.Select(s => s.BaseUrl).ToList(), unique: true, processes, log, cancellationToken);
            PrintProgress("portal", load);
            var postgres = await sampling;

            double? drain = null;
            DatabaseCheck? check = null;
            LatencySummary? crossStream = null;
            if (connectionString is not null)
            {
                // The database says when processing is done: no row Pending, Retrying or claimed.
                var drained = await DatabaseVerifier.WaitDrainedAsync(connectionString, TimeSpan.FromSeconds(Math.Max(1, options.Drain)), cancellationToken);
                drain = drained.Seconds;
                var (verified, instanceById) = await DatabaseVerifier.VerifyAsync(connectionString, pool, log, drained, load.Failures, cancellationToken);
                check = verified;
                Console.WriteLine($"  database: {check.Verdict}");
                if (servers.Count > 1 && probe.Available)
                {
                    crossStream = probe.LiveLatency(load.WindowStart, load.WindowEnd, id => instanceById.TryGetValue(id, out var i) && i == 0);
                }
            }
            else if (probe.Available && options.Drain > 0)
            {
                // Let the processor finish the backlog the load left; its StateChanged messages show when it is done.
                var drainStart = Stopwatch.StartNew();
                while (drainStart.Elapsed.TotalSeconds < options.Drain && probe.Quiet < TimeSpan.FromSeconds(2))
                {
                    await Task.Delay(100, cancellationToken);
                }

                drain = Math.Max(0, drainStart.Elapsed.TotalSeconds - Math.Min(2, probe.Quiet.TotalSeconds));
            }

            var stream = probe.Summarize(load.WindowStart, load.WindowEnd);
            var instances = servers.Select((s, i) => new InstanceResult(s.Name, s.ProcessId, load.ProcessCores.GetValueOrDefault(s.Name), idle[i], s.PeakMemoryMb)).ToList();
            return new TargetResult("portal", load, stream, idle.Max(), instances.Max(i => i.PeakMemoryMb), drain, instances, check, postgres, crossStream);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            redis?.Dispose();
            redis = null;
            if (cluster is not null)
            {
                await cluster.DropDatabaseAsync(databaseName);
            }

            foreach (var directory in dataDirectories)
            {
                TryDelete(directory);
            }
        }
    }

    private static string InstanceName(int index) => $"portal-{(char)('A' + index)}";

    /// <summary>The UI-component endpoints: the portal with --tickets tickets, then the baseline, the same request mix.</summary>
    public async Task<(UiComponentResult? Portal, UiComponentResult? Baseline)> RunUiComponentsAsync(CancellationToken cancellationToken)
    {
        var installation = Guid.NewGuid();
        UiComponentResult? portal = null;
        if (options.RunPortal)
        {
            var (start, baseUrl, dataDirectory) = PortalStart(0, null);
            Console.WriteLine($"Starting the portal on {baseUrl} (database in {dataDirectory.FullName})");
            try
            {
                await using var server = await StartAsync("portal", start, baseUrl, Path.Combine(resultsDirectory, $"{stamp}-ui-portal.log"), cancellationToken);
                await InstallAsync(baseUrl, installation, cancellationToken);
                portal = await RunUiLoadAsync("portal", server, baseUrl, installation, seed: true, cancellationToken);
            }
            finally
            {
                TryDelete(dataDirectory);
            }
        }

        UiComponentResult? baseline = null;
        if (options.RunBaseline)
        {
            var (start, baseUrl) = BaselineStart();
            Console.WriteLine($"Starting the baseline (bare Kestrel: drains the body, answers a fixed JSON) on {baseUrl}");
            await using var server = await StartAsync("baseline", start, baseUrl, Path.Combine(resultsDirectory, $"{stamp}-ui-baseline.log"), cancellationToken);
            baseline = await RunUiLoadAsync("baseline", server, baseUrl, installation, seed: false, cancellationToken);
        }

        return (portal, baseline);
    }

    private async Task<UiComponentResult> RunUiLoadAsync(string name, ChildServer server, Uri baseUrl, Guid installation, bool seed, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Callers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var load = new UiComponentLoad(installation, options.Secret);
        TimeSpan? seeded = null;
        if (seed)
        {
            Console.WriteLine($"  seeding {options.Tickets:N0} tickets through POST /sentry/issue-link/create ({options.Callers} callers)...");
            seeded = await load.SeedAsync(http, options.Tickets, options.Callers, cancellationToken);
            Console.WriteLine($"  seeded in {seeded.Value.TotalSeconds:0.0} s ({options.Tickets / seeded.Value.TotalSeconds:N0} creates/s)");
        }

        Console.WriteLine($"  load: create, link, ticket options, assignee options round-robin over {options.Callers} callers for {options.MeasuredSeconds:0} s after {options.Warmup:0} s warm-up");
        var cpuBefore = server.CpuTime();
        var recorders = await load.RunAsync(http, options.Callers, options.Tickets, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.MeasuredSeconds), cancellationToken);
        var cpu = (server.CpuTime() - cpuBefore).TotalSeconds / (options.Warmup + options.MeasuredSeconds);
        var operations = recorders.ToDictionary(r => r.Key, r => new UiOperationResult(r.Value.Summarize(), r.Value.Successes, r.Value.Failures, r.Value.Outcomes.ToDictionary()), StringComparer.Ordinal);
        foreach (var (operation, result) in operations)
        {
            Console.WriteLine($"  {name} {operation}: p50 {result.Latency.P50:0.0} ms, p99 {result.Latency.P99:0.0} ms, max {result.Latency.Max:0.0} ms, {result.Latency.Count / options.MeasuredSeconds:N0}/s, {result.Failures} failed");
        }

        return new UiComponentResult(name, operations, seeded, cpu, server.PeakMemoryMb);
    }

    /// <param name="instance">Which instance (0, 1): names it and, with Redis, joins it to the others.</param>
    /// <param name="postgres">The PostgreSQL database's connection string, or null for SQLite in a temp folder.</param>
    private (ProcessStartInfo Start, Uri BaseUrl, DirectoryInfo DataDirectory) PortalStart(int instance, string? postgres)
    {
        var dll = options.PortalDll ?? Path.Combine(root, "src", "Portal", "bin", "Release", "net10.0", "Portal.dll");
        var dataDirectory = Directory.CreateTempSubdirectory("portal-bench-");
        var baseUrl = new Uri($"http://127.0.0.1:{ChildServer.FreePort()}");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/');
        start.Environment["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(dataDirectory.FullName, "bench.db")}";
        start.Environment["Portal__InstanceName"] = InstanceName(instance);
        if (postgres is not null)
        {
            start.Environment["Portal__Database__Provider"] = "Postgres";
            start.Environment["ConnectionStrings__Portal"] = options.NpgsqlSettings is { Length: > 0 } extra ? $"{postgres};{extra}" : postgres;
        }

        if (redis is not null)
        {
            start.Environment["ConnectionStrings__Redis"] = $"127.0.0.1:{redis.Port}";
            start.Environment["Portal__Scaleout__ChannelPrefix"] = $"bench-{stamp}";
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Sentry__ClientSecret"] = options.Secret;

        // Nothing in a bench run may reach the real Sentry: API calls go to a closed loopback port and fail fast.
        start.Environment["Sentry__BaseUrl"] = "http://127.0.0.1:9";
        return (start, baseUrl, dataDirectory);
    }

    private (ProcessStartInfo Start, Uri BaseUrl) BaselineStart()
    {
        var port = ChildServer.FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        start.ArgumentList.Add(typeof(BenchRun).Assembly.Location);
        start.ArgumentList.Add("baseline-server");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (start, new Uri($"http://127.0.0.1:{port}"));
    }

    private async Task<TargetResult> RunBaselineAsync(DeliveryPool pool, CancellationToken cancellationToken)
    {
        var (start, baseUrl) = BaselineStart();
        Console.WriteLine($"Starting the baseline (bare Kestrel, drains the body, answers 200) on {baseUrl}");
        var logPath = Path.Combine(resultsDirectory, $"{stamp}-{options.Mode}-baseline.log");
        await using var server = await StartAsync("baseline", start, baseUrl, logPath, cancellationToken);
        var idle = server.CurrentMemoryMb;
        Console.WriteLine($"  load: {Describe()}");
        var load = await new LoadRunner(options, pool).RunAsync([baseUrl], unique: false, [new CpuSource("baseline", server.CpuTime, true)], null, cancellationToken);
        PrintProgress("baseline", load);
        return new TargetResult("baseline", load, null, idle, server.PeakMemoryMb, null);
    }

    // waitIdle false for a second instance: the first is already running and idle, waiting would only delay the run.
    private async Task<ChildServer> StartAsync(string name, ProcessStartInfo start, Uri baseUrl, string logPath, CancellationToken cancellationToken, bool waitIdle = true)
    {
        if (waitIdle && options.WaitIdle > 0 && !await MachineInfo.WaitForIdleAsync(TimeSpan.FromSeconds(options.WaitIdle), cancellationToken))
        {
            Console.WriteLine($"  warning: the CPU did not become idle within {options.WaitIdle:0} s; starting {name} anyway");
        }

        // Tracked from the moment it exists, so Ctrl+C or SIGTERM during start-up kills it too.
        return await ChildServer.StartAsync(name, start, baseUrl, logPath, s => running[s.ProcessId] = s, cancellationToken);
    }

    // installation.created first, so the load's deliveries belong to a known installation (not flagged orphan).
    private async Task InstallAsync(Uri baseUrl, Guid installation, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var sender = new SentryWebhookSender(http, baseUrl);
        var variator = new DeliveryVariator(new DeliveryVariation { InstallationUuid = installation, OrganizationSlug = "bench-org" });
        var result = await sender.SendAsync(variator.Build(SentrySamples.Get("installation.created"), options.Secret), cancellationToken);
        Console.WriteLine($"  installation.created for {installation} → {result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? result.Error}");
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException("The portal did not accept installation.created; is --secret the portal's Sentry:ClientSecret?");
        }

        // Give the processor a moment to record the installation before deliveries that refer to it arrive.
        await Task.Delay(500, cancellationToken);
    }

    private string Describe() => options.IsPaced
        ? $"paced {options.Rate:0}/s for {options.MeasuredSeconds:0} s after {options.Warmup:0} s warm-up, burst of {options.Burst} within 1 s at mid-run, up to {options.Connections} connections"
        : $"flat out over {options.Connections} connections for {options.MeasuredSeconds:0} s after {options.Warmup:0} s warm-up";

    private static void PrintProgress(string name, LoadResult load) =>
        Console.WriteLine($"  {name}: {load.Throughput:N0} req/s, p50 {load.Ack.P50:0.0} ms, p99 {load.Ack.P99:0.0} ms, max {load.Ack.Max:0.0} ms, {load.Failures} failed, other processes {load.OtherCores:0.00} cores{(load.PoolExhausted ? " (pool exhausted: raise --pool)" : "")}");

    private static void TryDelete(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; it is in the temp folder anyway.
        }
    }
}
