using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Bench;

/// <summary>
/// Issue 14's processing numbers: the portal (Release, a fresh database each) under paced load with the organization's
/// rules, then the same with none, and how long after the load each takes to process what it was sent.
/// </summary>
internal sealed partial class BenchRun
{
    /// <summary>The load's paced shape: --rate for --duration, no burst (the question is steady keeping up).</summary>
    public BenchOptions ProcessingLoadOptions => options with
    {
        Mode = "paced",
        RateOption = options.Rate,
        Duration = options.MeasuredSeconds,
        Burst = 0,
    };

    /// <summary>0 rules first (the baseline), then --rules, each on a fresh portal and database, the same deliveries.</summary>
    public async Task<IReadOnlyList<ProcessingResult>> RunAutomationsProcessingAsync(DeliveryPool pool, Guid installation, CancellationToken cancellationToken)
    {
        var results = new List<ProcessingResult>();
        try
        {
            if (options.IsPostgres)
            {
                cluster = options.Postgres is { } given ? PostgresCluster.Use(given) : await PostgresCluster.StartAsync(cancellationToken);
                Console.WriteLine($"PostgreSQL: {cluster.Description}");
            }

            foreach (var rules in new[] { 0, options.Rules }.Distinct())
            {
                results.Add(await RunProcessingAsync(pool, installation, rules, cancellationToken));
            }
        }
        finally
        {
            cluster?.Stop();
        }

        return results;
    }

    /// <summary>A database of the bench's own for the dry-run part: a temp SQLite file, or a fresh database on the cluster.</summary>
    public async Task<(PortalDataSettings Settings, Func<Task> Cleanup)> DryRunDatabaseAsync(CancellationToken cancellationToken)
    {
        if (!options.IsPostgres)
        {
            var directory = Directory.CreateTempSubdirectory("portal-bench-dryrun-");
            return (new PortalDataSettings($"Data Source={Path.Combine(directory.FullName, "dryrun.db")}"), () =>
            {
                AutomationsInProcess.ClearSqlitePools();
                TryDelete(directory);
                return Task.CompletedTask;
            });
        }

        cluster ??= options.Postgres is { } given ? PostgresCluster.Use(given) : await PostgresCluster.StartAsync(cancellationToken);
        var name = $"portal_bench_{stamp.Replace('-', '_')}_dryrun";
        var connectionString = await cluster.CreateDatabaseAsync(name, cancellationToken);
        return (new PortalDataSettings(connectionString, DatabaseProvider.Postgres), async () =>
        {
            await cluster.DropDatabaseAsync(name);
            cluster.Stop();
            cluster = null;
        });
    }

    private async Task<ProcessingResult> RunProcessingAsync(DeliveryPool pool, Guid installation, int ruleCount, CancellationToken cancellationToken)
    {
        var databaseName = $"portal_bench_{stamp.Replace('-', '_')}_automations_{ruleCount}";
        var connectionString = cluster is null ? null : await cluster.CreateDatabaseAsync(databaseName, cancellationToken);
        var (start, baseUrl, dataDirectory) = PortalStart(0, connectionString);
        var settings = connectionString is null
            ? new PortalDataSettings($"Data Source={Path.Combine(dataDirectory.FullName, "bench.db")}")
            : new PortalDataSettings(connectionString, DatabaseProvider.Postgres);
        var factory = new BenchDbFactory(settings);
        var name = $"portal-{ruleCount}-rules";
        Console.WriteLine($"Starting {name} on {baseUrl} ({(connectionString is null ? $"SQLite in {dataDirectory.FullName}" : $"PostgreSQL database {databaseName}")})");
        try
        {
            await using var server = await StartAsync(name, start, baseUrl, Path.Combine(resultsDirectory, $"{stamp}-automations-{name}.log"), cancellationToken);
            await InstallAsync(baseUrl, installation, cancellationToken);
            var organization = AutomationsInProcess.OrganizationId;
            await WaitForOrganizationAsync(factory, organization, cancellationToken);
            if (ruleCount > 0)
            {
                await SeedRulesAsync(factory, organization, ruleCount, cancellationToken);

                // The portal may have read the organization's (empty) rule list already; let that copy expire.
                await Task.Delay(AutomationsAdapter.RuleCacheFreshness + TimeSpan.FromSeconds(1), cancellationToken);
            }

            var load = ProcessingLoadOptions;
            Console.WriteLine($"  load: paced {load.Rate:0}/s for {load.MeasuredSeconds:0} s after {load.Warmup:0} s warm-up, no burst, up to {load.Connections} connections, {ruleCount} rules");
            var log = new SendLog(pool.Count);
            var result = await new LoadRunner(load, pool).RunAsync([baseUrl], unique: true, [new CpuSource(name, server.CpuTime, true)], log, cancellationToken);
            PrintProgress(name, result);

            // From the last response on: how much is left to process, and how long until nothing is.
            var cpuBefore = server.CpuTime();
            var (backlog, drainSeconds, drained, remaining) = await WaitProcessedAsync(factory, TimeSpan.FromSeconds(Math.Max(1, options.Drain)), cancellationToken);
            var drainCpu = (server.CpuTime() - cpuBefore).TotalSeconds;
            Console.WriteLine(drained
                ? $"  {name}: {backlog:N0} deliveries unprocessed when the load ended, all processed {drainSeconds:0.0} s later"
                : $"  {name}: {backlog:N0} deliveries unprocessed when the load ended, {remaining:N0} still after {drainSeconds:0.0} s (raise --drain)");
            var stats = await ReadProcessingStatsAsync(factory, result.WindowStart, cancellationToken);
            var databaseMb = connectionString is null ? dataDirectory.EnumerateFiles().Sum(f => f.Length) / 1024.0 / 1024.0 : (double?)null;
            return new ProcessingResult(
                ruleCount, result, backlog, drainSeconds, drained, remaining, drainCpu, server.PeakMemoryMb, databaseMb,
                stats.Processed, stats.States, stats.Lag, stats.Evaluations, stats.MeanEvaluationChars, stats.Runs);
        }
        finally
        {
            AutomationsInProcess.ClearSqlitePools();
            if (cluster is not null)
            {
                await cluster.DropDatabaseAsync(databaseName);
            }

            TryDelete(dataDirectory);
        }
    }

    // The organization row comes from processing installation.created; rules refer to it (a foreign key).
    private static async Task WaitForOrganizationAsync(BenchDbFactory factory, long organization, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = factory.CreateDbContext())
            {
                if (await db.Organizations.AnyAsync(o => o.Id == organization, cancellationToken))
                {
                    return;
                }
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"The portal did not record organization {organization} from installation.created within 30 s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task SeedRulesAsync(BenchDbFactory factory, long organization, int count, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var specs = AutomationRuleSet.Build(count);
        await using var db = factory.CreateDbContext();
        db.AutomationRules.AddRange(specs.Select((spec, i) => AutomationsAdapter.ToEntity(spec, organization, i, now)));
        await db.SaveChangesAsync(cancellationToken);
        Console.WriteLine($"  seeded {count} enabled rules ({specs.Count(AutomationRuleSet.Matching.Contains)} can match; all dry run only) for organization {organization}");
    }

    // installation.created is left out: its handler calls Sentry, which a bench run points at a closed port, so it
    // retries by design (as in DatabaseVerifier).
    private const string BacklogSql = """SELECT count(*) AS "Value" FROM "WebhookDeliveries" WHERE "State" IN (0, 2) AND "Resource" <> 'installation'""";

    private static async Task<(int Backlog, double Seconds, bool Drained, int Remaining)> WaitProcessedAsync(BenchDbFactory factory, TimeSpan limit, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        await using var db = factory.CreateDbContext();
        int? first = null;
        while (true)
        {
            var left = (int)await db.Database.SqlQueryRaw<long>(BacklogSql).SingleAsync(cancellationToken);
            first ??= left;
            if (left == 0 || waited.Elapsed >= limit)
            {
                return (first.Value, waited.Elapsed.TotalSeconds, left == 0, left);
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<ProcessingStats> ReadProcessingStatsAsync(BenchDbFactory factory, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.Resource != "installation");
        var states = (await deliveries.GroupBy(d => d.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(s => s.Key.ToString(), s => s.Count, StringComparer.Ordinal);

        // Arrival to processed, for deliveries of the measured window (the warm-up's JIT left out).
        var times = await deliveries.Where(d => d.ProcessedAt != null && d.ReceivedAt >= windowStart)
            .Select(d => new { d.ReceivedAt, d.ProcessedAt }).ToListAsync(cancellationToken);
        var lags = times.Select(t => (t.ProcessedAt!.Value - t.ReceivedAt).TotalMilliseconds).Order().ToArray();
        var lag = new LatencySummary(lags.Length, Percentile(lags, 0.50), Percentile(lags, 0.99), Percentile(lags, 0.999), lags.Length == 0 ? 0 : lags[^1]);
        var evaluations = await db.AutomationEvaluations.CountAsync(cancellationToken);
        var meanChars = evaluations == 0 ? 0 : await db.AutomationEvaluations.AverageAsync(e => (double)e.Results.Length, cancellationToken);
        var runs = (await db.AutomationRuns.GroupBy(r => r.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(r => r.Key.ToString(), r => r.Count, StringComparer.Ordinal);
        return new ProcessingStats(states.Sum(s => s.Value), states, lag, evaluations, meanChars, runs);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record ProcessingStats(
        int Processed, IReadOnlyDictionary<string, int> States, LatencySummary Lag, int Evaluations, double MeanEvaluationChars, IReadOnlyDictionary<string, int> Runs);
}

/// <summary>One processing run: the load, the backlog it left and how long that took to clear, and what the rules recorded.</summary>
internal sealed record ProcessingResult(
    int Rules,
    LoadResult Load,
    int BacklogAtLoadEnd,
    double DrainSeconds,
    bool Drained,
    int Remaining,
    double DrainCpuSeconds,
    double PeakMemoryMb,
    double? DatabaseMb,
    int Deliveries,
    IReadOnlyDictionary<string, int> States,
    LatencySummary ProcessingLag,
    int Evaluations,
    double MeanEvaluationChars,
    IReadOnlyDictionary<string, int> Runs);
