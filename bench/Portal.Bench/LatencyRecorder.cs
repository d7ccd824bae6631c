using System.Collections.Concurrent;
using System.Diagnostics;

namespace Portal.Bench;

/// <summary>Acknowledgement latencies and outcomes of one measured window; safe to record from many tasks.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] ticks = new long[capacity];
    private readonly ConcurrentDictionary<string, int> outcomes = new(StringComparer.Ordinal);
    private int count;
    private int overflow;

    public int Count => Math.Min(count, ticks.Length);

    public IReadOnlyDictionary<string, int> Outcomes => outcomes;

    public void Record(long elapsedTicks, int? status, string? error)
    {
        var slot = Interlocked.Increment(ref count) - 1;
        if (slot < ticks.Length)
        {
            ticks[slot] = elapsedTicks;
        }
        else
        {
            Interlocked.Increment(ref overflow);
        }

        outcomes.AddOrUpdate(status is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "exception: " + error, 1, (_, n) => n + 1);
    }

    /// <summary>Latency percentiles in milliseconds (nearest rank).</summary>
    public LatencySummary Summarize()
    {
        var n = Count;
        if (n == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        var sorted = ticks.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        return new LatencySummary(n, Ms(Percentile(sorted, 0.50)), Ms(Percentile(sorted, 0.99)), Ms(Percentile(sorted, 0.999)), Ms(sorted[^1]));
    }

    public int Successes => outcomes.Where(o => o.Key.Length == 3 && o.Key[0] == '2').Sum(o => o.Value);

    public int Failures => outcomes.Where(o => !(o.Key.Length == 3 && o.Key[0] == '2')).Sum(o => o.Value);

    private static long Percentile(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;
}
