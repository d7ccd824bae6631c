namespace Portal.Bench;

/// <summary>Percentiles of one set of latencies, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P99, double P999, double Max);
