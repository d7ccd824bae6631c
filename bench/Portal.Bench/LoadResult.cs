namespace Portal.Bench;

/// <summary>What one load run against one server measured (the window after the warm-up only), CPU included.</summary>
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
    DateTimeOffset WindowEnd,
    double ServerCpuSeconds,
    double ClientCpuSeconds,
    double HelperCpuSeconds,
    double MachineBusyCores,
    IReadOnlyDictionary<string, double> ProcessCores)
{
    /// <summary>
    /// Cores busy with anything other than the servers, PostgreSQL, Redis and the bench: non-zero means the numbers
    /// are skewed.
    /// </summary>
    public double OtherCores => Math.Max(0, MachineBusyCores - ServerCores - ClientCores - (Seconds > 0 ? HelperCpuSeconds / Seconds : 0));

    /// <summary>Cores the server (all its instances) kept busy during the window.</summary>
    public double ServerCores => Seconds > 0 ? ServerCpuSeconds / Seconds : 0;

    /// <summary>Cores the bench itself (client and stream probe) used during the window.</summary>
    public double ClientCores => Seconds > 0 ? ClientCpuSeconds / Seconds : 0;

    /// <summary>Server CPU time per acknowledged request, in ms.</summary>
    public double ServerCpuMsPerRequest => Requests > 0 ? ServerCpuSeconds * 1000 / Requests : 0;
}
