using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Simulator;

namespace Portal.Bench;

/// <summary>
/// The automations numbers measured inside the bench's own process: the cost of judging a delivery against an
/// organization's rules, and a dry run over stored deliveries. Each is measured beside its baseline, interleaved
/// pass by pass, so the machine's drift hits both alike.
/// </summary>
internal static class AutomationsInProcess
{
    private static readonly string[] SampleTriggers = ["error.created", "issue.created", "event_alert.triggered"];

    /// <summary>The organization of the samples' installation (installation.created says so).</summary>
    public static long OrganizationId { get; } = ReadOrganizationId();

    public static EvaluationResult MeasureEvaluation(BenchOptions options, Guid installation)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The load's own deliveries plus Sentry's real samples of the three triggers the rules name.
        var generated = DeliveryPool.Generate(2_000, installation, options.Secret).Deliveries.Select(d => (d.Resource, (string?)d.Action, d.Body));
        var samples = SampleTriggers
            .Select(name => SentrySamples.Get(name))
            .SelectMany(s => Enumerable.Repeat((s.Resource, (string?)s.Action, s.Body), 100));
        var corpus = generated.Concat(samples).ToArray();
        var documents = corpus.Select(c => JsonDocument.Parse(c.Body)).ToArray();
        try
        {
            var now = DateTimeOffset.UtcNow;
            AutomationsAdapter.RuleEvaluator Set(int count) =>
                AutomationsAdapter.Compile(AutomationRuleSet.Build(count).Select((spec, i) => AutomationsAdapter.ToEntity(spec, OrganizationId, i, now)));
            var none = Set(0);
            var one = Set(1);
            var many = Set(options.Rules);

            var variants = new (string Name, Func<int, int> Run)[]
            {
                ("parse the body (JsonDocument; processing pays it anyway)", i =>
                {
                    using var document = JsonDocument.Parse(corpus[i].Body);
                    return 0;
                }),
                ("0 rules (facts only)", i => none.Evaluate(corpus[i].Resource, corpus[i].Item2, documents[i].RootElement)),
                ("1 rule", i => one.Evaluate(corpus[i].Resource, corpus[i].Item2, documents[i].RootElement)),
                ($"{many.Count} rules", i => many.Evaluate(corpus[i].Resource, corpus[i].Item2, documents[i].RootElement)),
                ($"{many.Count} rules + verdicts as JSON (what the runner records per delivery)", i => many.EvaluateAndRecord(corpus[i].Resource, corpus[i].Item2, documents[i].RootElement)),
            };

            var perPass = variants.Select(_ => new List<double>()).ToArray();
            var allocated = new long[variants.Length];
            var matches = new long[variants.Length];
            const int WarmupPasses = 3;
            for (var pass = 0; pass < WarmupPasses + options.Iterations; pass++)
            {
                for (var v = 0; v < variants.Length; v++)
                {
                    var run = variants[v].Run;
                    var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
                    var started = Stopwatch.GetTimestamp();
                    long matched = 0;
                    for (var i = 0; i < corpus.Length; i++)
                    {
                        matched += run(i);
                    }

                    var elapsed = Stopwatch.GetElapsedTime(started);
                    if (pass >= WarmupPasses)
                    {
                        perPass[v].Add(elapsed.TotalNanoseconds / corpus.Length);
                        allocated[v] += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
                        matches[v] = matched;
                    }
                }
            }

            var rows = variants.Select((variant, v) => new EvaluationRow(
                variant.Name,
                Median(perPass[v]),
                perPass[v].Min(),
                (double)allocated[v] / options.Iterations / corpus.Length,
                v is 2 or 3 ? (double)matches[v] / corpus.Length : null)).ToList();
            var kinds = corpus.GroupBy(c => $"{c.Resource}.{c.Item2}").OrderByDescending(g => g.Count())
                .Select(g => $"{g.Key} {g.Count():N0}");
            return new EvaluationResult(corpus.Length, string.Join(", ", kinds), many.Count, options.Iterations, rows);
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    /// <summary>
    /// Seeds <see cref="BenchOptions.Stored"/> deliveries of one organization (the last 29 days) into a fresh database
    /// migrated through the portal's model, then times reading them (the baseline) and the dry run, alternately.
    /// </summary>
    public static async Task<DryRunBenchResult> MeasureDryRunAsync(BenchOptions options, PortalDataSettings settings, Guid installation, int passes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var factory = new BenchDbFactory(settings);
        await using (var db = factory.CreateDbContext())
        {
            await db.Database.MigrateAsync(cancellationToken);
            if (!settings.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }

        var seeding = Stopwatch.StartNew();
        await SeedAsync(factory, options.Stored, installation, options.Secret, cancellationToken);
        var seeded = seeding.Elapsed;
        Console.WriteLine($"  seeded {options.Stored:N0} deliveries in {seeded.TotalSeconds:0.0} s");

        var rule = AutomationRuleSet.DryRunRule;
        var resources = rule.Triggers.Select(t => t.Split('.')[0]).Distinct().ToList();
        var since = DateTimeOffset.UtcNow.AddDays(-30);
        var read = new List<double>();
        var readParse = new List<double>();
        var dry = new List<double>();
        var dryTook = new List<double>();
        (int Considered, int Matches, bool Capped) last = default;
        for (var pass = 0; pass < passes; pass++)
        {
            // The baseline: the dry run's own query, bodies decompressed by the portal's converter, nothing else.
            var started = Stopwatch.StartNew();
            await using (var db = factory.CreateDbContext())
            {
                var rows = await db.WebhookDeliveries.AsNoTracking()
                    .Where(d => d.OrganizationId == OrganizationId && d.ReceivedAt >= since && resources.Contains(d.Resource))
                    .OrderByDescending(d => d.Id).Take(options.Stored)
                    .ToListAsync(cancellationToken);
                read.Add(started.Elapsed.TotalSeconds);
                foreach (var row in rows)
                {
                    using var document = JsonDocument.Parse(row.Body);
                }

                readParse.Add(started.Elapsed.TotalSeconds);
            }

            started.Restart();
            var result = await AutomationsAdapter.DryRunAsync(factory, rule, OrganizationId, 30, cancellationToken);
            dry.Add(started.Elapsed.TotalSeconds);
            dryTook.Add(result.Took.TotalSeconds);
            last = (result.Considered, result.Matches, result.Capped);
        }

        return new DryRunBenchResult(settings.IsPostgres ? "PostgreSQL" : "SQLite", options.Stored, seeded.TotalSeconds, passes,
            read[0], Median(read), readParse[0], Median(readParse), dry[0], Median(dry), Median(dryTook), last.Considered, last.Matches, last.Capped);
    }

    public static void ClearSqlitePools() => SqliteConnection.ClearAllPools();

    private static async Task SeedAsync(BenchDbFactory factory, int count, Guid installation, string secret, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await using (var db = factory.CreateDbContext())
        {
            db.Organizations.Add(new Organization { Id = OrganizationId, Slug = "bench-org", SlugSeenAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }

        // Oldest first, so ids rise with arrival as in the portal; spread evenly over the last 29 days.
        var pool = DeliveryPool.Generate(count, installation, secret).Deliveries;
        var step = TimeSpan.FromDays(29) / count;
        const int Batch = 1_000;
        for (var from = 0; from < count; from += Batch)
        {
            await using var db = factory.CreateDbContext();
            for (var i = from; i < Math.Min(count, from + Batch); i++)
            {
                var delivery = pool[i];
                var received = now - (step * (count - i));
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    RequestId = Guid.NewGuid().ToString(),
                    BodySha256 = System.Security.Cryptography.SHA256.HashData(delivery.Body),
                    Resource = delivery.Resource,
                    Action = delivery.Action,
                    InstallationUuid = installation,
                    OrganizationId = OrganizationId,
                    ReceivedAt = received,
                    Body = delivery.Body,
                    State = DeliveryState.Processed,
                    Attempts = 1,
                    NextAttemptAt = received,
                    ProcessedAt = received,
                });
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static long ReadOrganizationId()
    {
        using var document = JsonDocument.Parse(SentrySamples.Get("installation.created").Body);
        return document.RootElement.GetProperty("data").GetProperty("installation").GetProperty("organization").GetProperty("id").GetInt64();
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>Contexts on the bench's database, as the portal's DI would make them (dry runs take a factory).</summary>
internal sealed class BenchDbFactory(PortalDataSettings settings) : IDbContextFactory<PortalDbContext>
{
    private readonly DbContextOptions<PortalDbContext> options = settings.Options();

    public PortalDbContext CreateDbContext() => new(options);
}

/// <summary>One way of judging deliveries: time per delivery (median and best pass), bytes allocated, matches per delivery.</summary>
internal sealed record EvaluationRow(string Name, double MedianNs, double BestNs, double AllocatedBytes, double? MatchesPerDelivery);

internal sealed record EvaluationResult(int Deliveries, string Corpus, int Rules, int Passes, IReadOnlyList<EvaluationRow> Rows);

internal sealed record DryRunBenchResult(
    string Database, int Stored, double SeedSeconds, int Passes,
    double ReadFirst, double ReadMedian, double ReadParseFirst, double ReadParseMedian,
    double DryRunFirst, double DryRunMedian, double DryRunTookMedian, int Considered, int Matches, bool Capped);
