namespace Portal.Webhooks;

/// <summary>
/// The most recent acknowledgement latencies (request received → its row committed), for the overview's
/// p50/p99. A fixed ring: recording is a lock and a store, nothing allocates on the ingest path.
/// </summary>
internal sealed class AcknowledgementLatencies
{
    public const int Capacity = 10_000;

    private readonly double[] milliseconds = new double[Capacity];
    private readonly Lock gate = new();
    private int next;
    private int count;

    public void Record(TimeSpan latency)
    {
        lock (gate)
        {
            milliseconds[next] = latency.TotalMilliseconds;
            next = (next + 1) % Capacity;
            count = Math.Min(count + 1, Capacity);
        }
    }

    /// <summary>The given percentiles (0–100) of the recorded latencies in ms; null when nothing was recorded.</summary>
    public double[]? Percentiles(params double[] percentiles)
    {
        ArgumentNullException.ThrowIfNull(percentiles);
        double[] sorted;
        lock (gate)
        {
            if (count == 0)
            {
                return null;
            }

            sorted = milliseconds[..count];
        }

        Array.Sort(sorted);
        return [.. percentiles.Select(p => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)])];
    }
}
