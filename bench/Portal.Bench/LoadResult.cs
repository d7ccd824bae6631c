namespace Portal.Bench;

/// <summary>What one load run against one server measured (the window after the warm-up only).</summary>
internal sealed record LoadResult(
    double Seconds,
    int Requests,
    double Throughput,
    LatencySummary Ack,
    LatencySummary? Burst,
    IReadOnlyDictionary<string, int> Outcomes,
    int Successes,
    int Failures,
    bool PoolExhausted,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd);
