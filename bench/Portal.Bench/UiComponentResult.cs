using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portal.Bench;

internal sealed record UiOperationResult(LatencySummary Latency, int Successes, int Failures, IReadOnlyDictionary<string, int> Outcomes);

/// <summary>One server's answers to the UI-component load, per operation.</summary>
internal sealed record UiComponentResult(string Name, IReadOnlyDictionary<string, UiOperationResult> Operations, TimeSpan? Seeded, double CpuCores, double PeakMemoryMb);

/// <summary>The ui mode's report: portal and baseline side by side, and the p99 ≤ 200 ms target per operation.</summary>
internal static class UiComponentReport
{
    public const double TargetP99Ms = 200;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool AllTargetsMet(UiComponentResult? portal) =>
        portal is null || portal.Operations.Values.All(o => o.Latency.P99 <= TargetP99Ms && o.Failures == 0 && o.Latency.Count > 0);

    public static string ToMarkdown(BenchOptions options, MachineInfo machine, UiComponentResult? portal, UiComponentResult? baseline)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"## UI-component endpoints: {options.Callers} concurrent callers, {options.MeasuredSeconds:0} s after {options.Warmup:0} s warm-up, {options.Tickets:N0} tickets");
        text.AppendLine();
        text.AppendLine(c, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC · {machine.Describe()}");
        if (portal?.Seeded is { } seeded)
        {
            text.AppendLine(c, $"Seeding: {options.Tickets:N0} tickets through the create endpoint in {seeded.TotalSeconds:0.0} s ({options.Tickets / seeded.TotalSeconds:N0}/s).");
        }

        text.AppendLine();
        text.AppendLine("| operation | portal p50 / p99 / max (ms) | portal req/s | portal errors | baseline p50 / p99 / max (ms) | p99 ≤ 200 ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var operation in UiComponentLoad.Operations)
        {
            var p = portal?.Operations.GetValueOrDefault(operation);
            var b = baseline?.Operations.GetValueOrDefault(operation);
            text.AppendLine(c, $"| {operation} | {Latencies(p)} | {(p is null ? "–" : (p.Latency.Count / options.MeasuredSeconds).ToString("N0", c))} | {p?.Failures.ToString(c) ?? "–"} | {Latencies(b)} | {(p is null ? "–" : p.Latency.P99 <= TargetP99Ms && p.Failures == 0 ? "yes" : "**no**")} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"Server CPU (cores): portal {portal?.CpuCores.ToString("0.00", c) ?? "–"}, baseline {baseline?.CpuCores.ToString("0.00", c) ?? "–"} · peak memory (MB): portal {portal?.PeakMemoryMb.ToString("0", c) ?? "–"}, baseline {baseline?.PeakMemoryMb.ToString("0", c) ?? "–"}");
        return text.ToString();
    }

    public static string ToJson(UiComponentResult? portal, UiComponentResult? baseline) =>
        JsonSerializer.Serialize(new { portal, baseline }, Indented);

    private static string Latencies(UiOperationResult? result) =>
        result is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{result.Latency.P50:0.0} / {result.Latency.P99:0.0} / {result.Latency.Max:0.0}");
}
