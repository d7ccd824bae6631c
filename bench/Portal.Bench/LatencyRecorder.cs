using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Portal.Bench;

/// <summary>Acknowledgement latencies and outcomes of one measured window; safe to record from many tasks.</summary>
internal sealed class LatencyRecorder
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;

    // Chunks are allocated as needed, so a run records as many samples as it makes (up to 64 M) without a guess up front.
    private readonly long[]?[] chunks = new long[]?[1024];
    private readonly ConcurrentDictionary<string, int> outcomes = new(StringComparer.Ordinal);
    private int count;

    public int Count => Math.Min(Volatile.Read(ref count), chunks.Length * ChunkSize);

    public IReadOnlyDictionary<string, int> Outcomes => outcomes;

    public int Successes => outcomes.Where(o => IsSuccess(o.Key)).Sum(o => o.Value);

    public int Failures => outcomes.Where(o => !IsSuccess(o.Key)).Sum(o => o.Value);

    public void Record(long elapsedTicks, int? status, string? error)
    {
        var slot = Interlocked.Increment(ref count) - 1;
        var chunkIndex = slot >> ChunkBits;
        if (chunkIndex < chunks.Length)
        {
            var chunk = Volatile.Read(ref chunks[chunkIndex]);
            if (chunk is null)
            {
                Interlocked.CompareExchange(ref chunks[chunkIndex], new long[ChunkSize], null);
                // Set just above, by this thread or by the one that won the exchange.
                chunk = Volatile.Read(ref chunks[chunkIndex])!;
            }

            chunk[slot & (ChunkSize - 1)] = elapsedTicks;
        }

        outcomes.AddOrUpdate(status is { } code ? code.ToString(CultureInfo.InvariantCulture) : "exception: " + error, 1, (_, n) => n + 1);
    }

    /// <summary>Latency percentiles in milliseconds (nearest rank). Call after recording has finished.</summary>
    public LatencySummary Summarize()
    {
        var n = Count;
        if (n == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        var sorted = new long[n];
        for (var i = 0; i < n; i += ChunkSize)
        {
            chunks[i >> ChunkBits].AsSpan(0, Math.Min(ChunkSize, n - i)).CopyTo(sorted.AsSpan(i));
        }

        Array.Sort(sorted);
        return new LatencySummary(n, Ms(Percentile(sorted, 0.50)), Ms(Percentile(sorted, 0.99)), Ms(Percentile(sorted, 0.999)), Ms(sorted[^1]));
    }

    private static bool IsSuccess(string outcome) => outcome.Length == 3 && outcome[0] == '2';

    private static long Percentile(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;
}
