using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portal.Bench;

/// <summary>Issue 14's automations numbers, each beside its baseline, for the console and bench/results/.</summary>
internal sealed class AutomationsReport(
    BenchOptions options, MachineInfo machine, EvaluationResult? evaluation, DryRunBenchResult? dryRun, IReadOnlyList<ProcessingResult> processing, DateTimeOffset at)
{
    /// <summary>Issue 14: a dry run over 10,000 stored deliveries in under 5 s.</summary>
    public const double DryRunLimitSeconds = 5;

    /// <summary>"The backlog drains within seconds of the load ending", read as at most this many.</summary>
    public const double DrainLimitSeconds = 5;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public IReadOnlyList<TargetCheck> Targets
    {
        get
        {
            var checks = new List<TargetCheck>();
            if (dryRun is not null)
            {
                checks.Add(new($"dry run over {dryRun.Considered:N0} stored deliveries < {DryRunLimitSeconds:0} s (median of {dryRun.Passes})",
                    $"{dryRun.DryRunMedian:0.00} s", dryRun.DryRunMedian < DryRunLimitSeconds));
            }

            if (processing.LastOrDefault(p => p.Rules > 0) is { } withRules)
            {
                checks.Add(new($"{withRules.Load.Throughput:N0}/s with {withRules.Rules} rules: backlog drained ≤ {DrainLimitSeconds:0} s after the load",
                    withRules.Drained ? $"{withRules.DrainSeconds:0.0} s" : $"{withRules.Remaining:N0} left after {withRules.DrainSeconds:0} s",
                    withRules.Drained && withRules.DrainSeconds <= DrainLimitSeconds));
                checks.Add(new($"with {withRules.Rules} rules: 0 errors", $"{withRules.Load.Failures}", withRules.Load.Failures == 0));
            }

            return checks;
        }
    }

    public bool AllTargetsMet => Targets.All(t => t.Met);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        void Line(string s) => text.Append(s).Append('\n');
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        Line($"## Automations (issue 14) — {(options.IsPostgres ? "PostgreSQL" : "SQLite")}");
        Line("");
        Line($"{at:yyyy-MM-dd HH:mm} UTC · {machine.Cores} cores ({machine.Cpu}) · {machine.MemoryGiB} GiB · {machine.Os} · {machine.Runtime} · CPU idle before the run {machine.IdleCpuBefore}");
        if (evaluation is { } e)
        {
            Line("");
            Line($"### Evaluation cost per delivery (in-process, one thread, {e.Passes} passes after 3 warm-up passes, interleaved)");
            Line("");
            Line($"{e.Deliveries:N0} deliveries: {e.Corpus}. Facts read once per delivery, then every rule judged (no \"stop\").");
            Line("");
            Line("| | median µs / delivery | best pass µs | allocated bytes / delivery | matches / delivery | × 0 rules |");
            Line("|---|---:|---:|---:|---:|---:|");
            var zero = e.Rows.Count > 1 ? e.Rows[1].MedianNs : 0;
            foreach (var row in e.Rows)
            {
                Line($"| {row.Name} | {F(row.MedianNs / 1000, "0.00")} | {F(row.BestNs / 1000, "0.00")} | {F(row.AllocatedBytes, "N0")} | "
                    + $"{(row.MatchesPerDelivery is { } m ? F(m, "0.000") : "")} | {(zero > 0 && row != e.Rows[0] ? F(row.MedianNs / zero, "0.0") + "×" : "")} |");
            }
        }

        if (dryRun is { } d)
        {
            Line("");
            Line($"### Dry run over {d.Stored:N0} stored deliveries ({d.Database}, one organization, last 29 days; {d.Passes} passes, interleaved)");
            Line("");
            Line($"Seeded through the portal's EF Core model in {F(d.SeedSeconds, "0.0")} s (untimed). The rule: error.created + issue.created, level ≥ error, environment = production, message matches a regex.");
            Line("");
            Line("| | first pass (s) | median (s) |");
            Line("|---|---:|---:|");
            Line($"| baseline: the dry run's query, bodies read with EF Core | {F(d.ReadFirst, "0.000")} | {F(d.ReadMedian, "0.000")} |");
            Line($"| baseline + JsonDocument.Parse of every body | {F(d.ReadParseFirst, "0.000")} | {F(d.ReadParseMedian, "0.000")} |");
            Line($"| **DryRun.RunAsync** (wall) | {F(d.DryRunFirst, "0.000")} | **{F(d.DryRunMedian, "0.000")}** |");
            Line($"| DryRun's own Took | | {F(d.DryRunTookMedian, "0.000")} |");
            Line("");
            Line($"Considered {d.Considered:N0}{(d.Capped ? " (capped)" : "")}, matched {d.Matches:N0}; dry run / read = {F(d.ReadMedian > 0 ? d.DryRunMedian / d.ReadMedian : 0, "0.0")}×.");
        }

        if (processing.Count > 0)
        {
            Line("");
            Line($"### Processing: paced {F(options.Rate, "0")}/s for {F(options.MeasuredSeconds, "0")} s after {F(options.Warmup, "0")} s warm-up, no burst; {string.Join(" vs ", processing.Select(p => $"{p.Rules} rules"))} (each a fresh portal and database)");
            Line("");
            Line("Rules: see bench/Portal.Bench/AutomationRuleSet.cs (5 can match, all \"dry run only\": a match records a run, nothing is called).");
            Line("");
            Line($"| | {string.Join(" | ", processing.Select(p => $"{p.Rules} rules"))} |");
            Line($"|---|{string.Join("", processing.Select(_ => "---:|"))}");
            void Row(string name, Func<ProcessingResult, string> value) => Line($"| {name} | {string.Join(" | ", processing.Select(value))} |");
            Row("offered (deliveries/s)", p => F(p.Load.Throughput, "N0"));
            Row("ack p50 / p99 / max (ms)", p => $"{F(p.Load.Ack.P50, "0.0")} / {F(p.Load.Ack.P99, "0.0")} / {F(p.Load.Ack.Max, "0.0")}");
            Row("non-2xx + exceptions", p => p.Load.Failures.ToString(CultureInfo.InvariantCulture));
            Row("unprocessed when the load ended", p => p.BacklogAtLoadEnd.ToString("N0", CultureInfo.InvariantCulture));
            Row("**backlog drained after the load (s)**", p => p.Drained ? $"**{F(p.DrainSeconds, "0.0")}**" : $"**not drained: {p.Remaining:N0} left after {F(p.DrainSeconds, "0")} s**");
            Row("arrival → processed p50 / p99 / max (ms, measured window)", p => $"{F(p.ProcessingLag.P50, "0")} / {F(p.ProcessingLag.P99, "0")} / {F(p.ProcessingLag.Max, "0")}");
            Row("server CPU during the load (cores) / per delivery (ms)", p => $"{F(p.Load.ServerCores, "0.00")} / {F(p.Load.ServerCpuMsPerRequest, "0.000")}");
            Row("server CPU while draining (core-seconds)", p => F(p.DrainCpuSeconds, "0.0"));
            Row("other processes (cores)", p => F(p.Load.OtherCores, "0.00"));
            Row("server peak memory (MB)", p => F(p.PeakMemoryMb, "0"));
            Row("deliveries by state", p => string.Join(", ", p.States.Select(s => $"{s.Key} {s.Value:N0}")));
            Row("evaluations recorded / mean verdict JSON (chars)", p => $"{p.Evaluations:N0} / {F(p.MeanEvaluationChars, "N0")}");
            Row("runs recorded", p => p.Runs.Count == 0 ? "0" : string.Join(", ", p.Runs.Select(r => $"{r.Key} {r.Value:N0}")));
            if (processing.Any(p => p.DatabaseMb is not null))
            {
                Row("database files after the run (MB)", p => p.DatabaseMb is { } mb ? F(mb, "0") : "–");
            }

        }

        Line("");
        Line("| target | measured | met |");
        Line("|---|---|---|");
        foreach (var check in Targets)
        {
            Line($"| {check.Name} | {check.Measured} | {(check.Met ? "yes" : "**no**")} |");
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            at,
            options = new { options.Mode, options.Database, Parts = options.Parts.Order(StringComparer.Ordinal), options.Rules, options.Stored, options.Iterations, options.Rate, Duration = options.MeasuredSeconds, options.Warmup, options.Drain },
            machine,
            evaluation,
            dryRun,
            processing,
            targets = Targets,
            allTargetsMet = AllTargetsMet,
        },
        Json);
}
