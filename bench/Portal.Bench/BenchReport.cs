using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portal.Bench;

/// <summary>The comparison table and the targets (design.md §6, reliability.md), for the console and bench/results/.</summary>
internal sealed class BenchReport(BenchOptions options, MachineInfo machine, DeliveryPool pool, TargetResult? portal, TargetResult? baseline, DateTimeOffset at)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public IReadOnlyList<TargetCheck> Targets => portal is null ? [] : Check(portal);

    public bool AllTargetsMet => Targets.All(t => t.Met);

    /// <summary>The issue-13 floors among the targets (PostgreSQL runs only).</summary>
    public IReadOnlyList<TargetCheck> Floors => [.. Targets.Where(t => t.Name.StartsWith("floor", StringComparison.Ordinal))];

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        void Line(string s) => text.Append(s).Append('\n');
        Line($"## {Title()}");
        Line("");
        Line($"{at:yyyy-MM-dd HH:mm} UTC · {machine.Cores} cores ({machine.Cpu}) · {machine.MemoryGiB} GiB · {machine.Os} · {machine.Runtime} · CPU idle before the run {machine.IdleCpuBefore}");
        Line($"**Database: {(options.IsPostgres ? "PostgreSQL" : "SQLite")} · portal instances: {options.Instances}**"
            + (options.Instances > 1 ? " (requests round-robin; joined by a throw-away redis-server; stream probe on the last instance)" : "")
            + (options.NpgsqlSettings is { Length: > 0 } npgsql ? $" · portal connection string + \"{npgsql}\"" : "")
            + (options.RetryFraction > 0 ? $" · {options.RetryFraction:P0} of acknowledged deliveries retried to the next instance" : ""));
        Line($"{pool.Count:N0} pre-generated unique deliveries ({pool.Shapes:N0} built one by one, the rest copies with fresh ids), mean body {pool.MeanBytes:N0} bytes (generated in {pool.GenerationTime.TotalSeconds:0.0} s, untimed)");
        Line("");
        Line("| | portal | baseline (bare Kestrel) | portal / baseline |");
        Line("|---|---:|---:|---:|");
        Row(Line, "throughput (deliveries/s)", r => r.Load.Throughput, "N0");
        Row(Line, "requests measured", r => r.Load.Requests, "N0", ratio: false);
        Row(Line, "ack latency p50 (ms)", r => r.Load.Ack.P50, "0.0");
        Row(Line, "ack latency p99 (ms)", r => r.Load.Ack.P99, "0.0");
        Row(Line, "ack latency p99.9 (ms)", r => r.Load.Ack.P999, "0.0");
        Row(Line, "ack latency max (ms)", r => r.Load.Ack.Max, "0.0");
        if (options.IsPaced)
        {
            Row(Line, "burst + 1 s: p99 (ms)", r => r.Load.Burst?.P99 ?? 0, "0.0");
            Row(Line, "burst + 1 s: max (ms)", r => r.Load.Burst?.Max ?? 0, "0.0");
        }

        Line($"| responses | {Outcomes(portal)} | {Outcomes(baseline)} | |");
        Line($"| non-2xx + exceptions | {portal?.Load.Failures.ToString(CultureInfo.InvariantCulture) ?? "–"} | {baseline?.Load.Failures.ToString(CultureInfo.InvariantCulture) ?? "–"} | |");
        Line($"| stream latency, live Stored: p50 / p99 / max (ms) | {StreamLatency(portal?.Stream)} | – | |");
        Line($"| stream first notice incl. backfill, from request: p50 / p99 / max (ms) | {FirstNotice(portal?.Stream)} | – | |");
        Line($"| stream coverage: deliveries heard of / acknowledged (live + backfill; window edges approximate) | {StreamCounts(portal)} | – | |");
        Row(Line, "server CPU during the window (cores)", r => r.Load.ServerCores, "0.00");
        Row(Line, "server CPU per delivery (ms)", r => r.Load.ServerCpuMsPerRequest, "0.000");
        if (portal?.Instances is { Count: > 1 } instances)
        {
            foreach (var instance in instances)
            {
                Line($"| {instance.Name} CPU (cores) / peak memory (MB) | {instance.Cores:0.00} / {instance.PeakMemoryMb:0} | – | |");
            }
        }

        foreach (var helper in new[] { "postgres", "redis" })
        {
            if (portal?.Load.ProcessCores.TryGetValue(helper, out var cores) == true)
            {
                Line($"| {(helper == "postgres" ? "PostgreSQL (postmaster + backends)" : "redis-server")} CPU during the window (cores) | {cores:0.00} | – | |");
            }
        }

        if (portal?.CrossStream is { } cross)
        {
            Line($"| stream across instances: Stored on {portal.Instances![^1].Name} for deliveries acknowledged by {portal.Instances[0].Name}: p50 / p99 / p99.9 / max (ms) | {cross.P50:0.0} / {cross.P99:0.0} / {cross.P999:0.0} / {cross.Max:0.0} ({cross.Count:N0} messages) | – | |");
        }

        Row(Line, "bench client CPU during the window (cores)", r => r.Load.ClientCores, "0.00");
        Row(Line, "other processes' CPU during the window (cores; should be ~0)", r => r.Load.OtherCores, "0.00", ratio: false);
        Row(Line, "server memory idle (MB)", r => r.IdleMemoryMb, "0");
        Row(Line, "server peak memory (MB)", r => r.PeakMemoryMb, "0");
        if (portal?.DrainSeconds is { } drain)
        {
            Line($"| processing backlog drained after the load (s) | {drain:0.0} | – | |");
        }

        if (portal?.Postgres is { } pg)
        {
            Line("");
            Line("PostgreSQL during the window: client backends of the run's database per state / wait event (mean count over "
                + $"{pg.Samples} samples of pg_stat_activity, 200 ms apart): "
                + string.Join(", ", pg.Backends.Select(b => $"{b.Key} {b.Value:0.00}")));
            Line($"WAL: {pg.WalRecordsPerSecond:N0} records/s, {pg.WalMegabytesPerSecond:0.0} MB/s, {pg.WalWritesPerSecond:N0} writes/s, "
                + $"{pg.WalSyncsPerSecond:N0} fsyncs/s of {pg.WalSyncMs:0.00} ms each; {pg.CommitsPerSecond:N0} commits/s, {pg.RollbacksPerSecond:N0} rollbacks/s"
                + (pg.WalSyncsPerSecond > 0 && portal.Load.Throughput > 0 ? $" ({portal.Load.Throughput / pg.WalSyncsPerSecond:0.0} deliveries per WAL fsync)" : ""));
            if (pg.TopStatements.Count > 0)
            {
                Line("");
                Line("| statement (pg_stat_statements, the window) | calls/s | rows/s | mean exec (ms) | mean plan (ms) | backend time (cores) |");
                Line("|---|---:|---:|---:|---:|---:|");
                foreach (var statement in pg.TopStatements)
                {
                    Line($"| `{statement.Query.Replace("|", "\\|", StringComparison.Ordinal)}` | {statement.CallsPerSecond:N0} | {statement.RowsPerSecond:N0} | {statement.MeanExecMs:0.000} | {statement.MeanPlanMs:0.000} | {statement.Cores:0.00} |");
                }
            }
        }

        if (portal?.Database is { } database)
        {
            Line("");
            Line($"Database check: {database.Verdict}.");
            Line($"Rows: {database.StoredRows:N0} ({string.Join(", ", database.States.Select(st => $"State={st.Key}: {st.Value:N0}"))}); "
                + $"other rows (installation.created, failed requests): {database.OtherRows:N0} ({string.Join(", ", database.OtherStates.Select(st => $"State={st.Key}: {st.Value:N0}"))}; installation.created retries: Sentry is a closed port in a bench run); drained in {database.DrainSeconds:0.0} s"
                + (database.Retries > 0 ? $"; retries: {string.Join(", ", database.RetryOutcomes.Select(o => $"{o.Key}: {o.Value:N0}"))}" : ""));
        }

        if (portal is not null)
        {
            Line("");
            Line("| target | measured | met |");
            Line("|---|---|---|");
            foreach (var target in Targets)
            {
                Line($"| {target.Name} | {target.Measured} | {(target.Met ? "yes" : "**no**")} |");
            }
        }

        if (portal is not null)
        {
            Line("");
            Line($"VERDICT ({(options.IsPostgres ? "PostgreSQL" : "SQLite")}, {options.Instances} instance{(options.Instances > 1 ? "s" : "")}, {options.Mode}): "
                + (Floors.Count == 0 ? "no floor applies; " : Floors.All(f => f.Met) ? "floors MET; " : "floors NOT MET; ")
                + $"{Targets.Count(t => t.Met)} of {Targets.Count} checks met"
                + (Targets.Where(t => !t.Met).Select(t => t.Name).ToList() is { Count: > 0 } missed ? $" (missed: {string.Join("; ", missed)})" : "") + ".");
        }

        if (new[] { portal, baseline }.Any(r => r?.Load.OtherCores > 0.1))
        {
            Line("");
            Line("Other processes used CPU during a measured window (see the table): the numbers are skewed; rerun on a quiet machine.");
        }

        if (portal?.Load.PoolExhausted == true)
        {
            Line("");
            Line("The pool of unique deliveries ran out before the end; throughput is over the time it lasted. Raise --pool.");
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            at,
            options = new
            {
                options.Mode,
                options.Database,
                options.Instances,
                options.RetryFraction,
                options.Connections,
                Duration = options.MeasuredSeconds,
                options.Warmup,
                Rate = options.IsPaced ? options.Rate : (double?)null,
                Burst = options.IsPaced ? options.Burst : (int?)null,
            },
            machine,
            pool = new { pool.Count, pool.Shapes, pool.MeanBytes, GenerationSeconds = pool.GenerationTime.TotalSeconds },
            portal,
            baseline,
            throughputRatio = portal is not null && baseline is not null && baseline.Load.Throughput > 0 ? portal.Load.Throughput / baseline.Load.Throughput : (double?)null,
            targets = Targets,
            allTargetsMet = portal is null ? (bool?)null : AllTargetsMet,
        },
        Json);

    private string Title() => $"{(options.IsPostgres ? "PostgreSQL" : "SQLite")}, {options.Instances} instance{(options.Instances > 1 ? "s" : "")} — " + (options.IsPaced
        ? $"Paced: {options.Rate:0}/s for {options.MeasuredSeconds:0} s + burst of {options.Burst:N0} within 1 s (up to {options.Connections} connections, {options.Warmup:0} s warm-up)"
        : $"Flat out: {options.Connections} connections, {options.MeasuredSeconds:0} s after {options.Warmup:0} s warm-up");

    private List<TargetCheck> Check(TargetResult result)
    {
        var checks = new List<TargetCheck>();
        var ack = result.Load.Ack;
        if (options.IsPaced)
        {
            checks.Add(new("ack p99 ≤ 100 ms", $"{ack.P99:0.0} ms", ack.P99 <= 100));
            checks.Add(new("ack max ≤ 500 ms", $"{ack.Max:0.0} ms", ack.Max <= 500));
            checks.Add(new("0 errors", $"{result.Load.Failures}", result.Load.Failures == 0));
        }
        else
        {
            checks.Add(new("≥ 5,000 deliveries/s", $"{result.Load.Throughput:N0}/s", result.Load.Throughput >= 5_000));
            checks.Add(new("0 errors", $"{result.Load.Failures}", result.Load.Failures == 0));
            checks.Add(new("ack p99 ≤ 50 ms", $"{ack.P99:0.0} ms", ack.P99 <= 50));
        }

        // Issue 13's floors: durable throughput on PostgreSQL, and two instances that lose and duplicate nothing.
        if (options.IsPostgres && options.Instances == 1 && !options.IsPaced && options.Connections == 64)
        {
            checks.Add(new("floor: PostgreSQL one instance ≥ 2,500 durable deliveries/s at 64 connections", $"{result.Load.Throughput:N0}/s", result.Load.Throughput >= 2_500));
            checks.Add(new("floor: PostgreSQL one instance 0 errors", $"{result.Load.Failures}", result.Load.Failures == 0));
            checks.Add(new("floor: PostgreSQL one instance p99 ≤ 100 ms", $"{ack.P99:0.0} ms", ack.P99 <= 100));
        }

        if (result.Database is { } database)
        {
            checks.Add(new(
                options.Instances > 1 ? "floor: two instances lose nothing, duplicate nothing, process everything" : "database: nothing lost or duplicated, everything processed",
                database.Verdict, database.Passed));
        }

        var stream = result.Stream;
        checks.Add(stream is { Available: true, Latency.Count: > 0 }
            ? new("stream p99 ≤ 250 ms", $"{stream.Latency.P99:0.0} ms ({stream.Latency.Count:N0} messages)", stream.Latency.P99 <= 250)
            : new("stream p99 ≤ 250 ms", "stream: unavailable" + (stream?.Problem is { } p ? $" ({p})" : ""), false));
        checks.Add(new("server peak memory ≤ 400 MB", $"{result.PeakMemoryMb:0} MB", result.PeakMemoryMb <= 400));
        return checks;
    }

    private void Row(Action<string> line, string name, Func<TargetResult, double> value, string format, bool ratio = true)
    {
        var p = portal is null ? "–" : value(portal).ToString(format, CultureInfo.InvariantCulture);
        var b = baseline is null ? "–" : value(baseline).ToString(format, CultureInfo.InvariantCulture);
        var r = ratio && portal is not null && baseline is not null && value(baseline) > 0
            ? (value(portal) / value(baseline)).ToString("0.00", CultureInfo.InvariantCulture) + "×"
            : "";
        line($"| {name} | {p} | {b} | {r} |");
    }

    private static string Outcomes(TargetResult? result) =>
        result is null ? "–" : string.Join(", ", result.Load.Outcomes.Select(o => $"{o.Key}: {o.Value:N0}"));

    private static string StreamLatency(StreamSummary? stream) => stream switch
    {
        null => "–",
        { Available: false } => "unavailable" + (stream.Problem is { } p ? $" ({p})" : ""),
        _ => $"{stream.Latency.P50:0.0} / {stream.Latency.P99:0.0} / {stream.Latency.Max:0.0}" + (stream.Disconnected ? " (dropped by the hub)" : ""),
    };

    private static string FirstNotice(StreamSummary? stream) => stream is { Available: true }
        ? $"{stream.FirstNotice.P50:0.0} / {stream.FirstNotice.P99:0.0} / {stream.FirstNotice.Max:0.0}"
        : "–";

    private static string StreamCounts(TargetResult? result) => result?.Stream is { Available: true } stream
        ? $"{stream.Noticed:N0} / {result.Load.Successes:N0} ({stream.Stored:N0} + {stream.Backfilled:N0})"
            + (stream.Reloads > 0 ? $", {stream.Reloads} reload(s)" : "")
        : "–";
}
