namespace Portal.Bench;

/// <summary>Everything measured for one server (the portal or the baseline).</summary>
internal sealed record TargetResult(
    string Name,
    LoadResult Load,
    StreamSummary? Stream,
    double IdleMemoryMb,
    double PeakMemoryMb,
    double? DrainSeconds);
