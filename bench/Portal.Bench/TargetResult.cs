namespace Portal.Bench;

/// <summary>Everything measured for one server (the portal or the baseline).</summary>
/// <remarks>
/// <c>Instances</c>: The portal's processes (one or two); PeakMemoryMb is the largest of them.<br/>
/// <c>Database</c>: PostgreSQL runs: the rows checked against what was acknowledged.<br/>
/// <c>Postgres</c>: PostgreSQL runs: wait events and WAL counters over the window.<br/>
/// <c>CrossStream</c>: Two instances: live Stored messages the probe (on the last instance) got for deliveries the first instance acknowledged.<br/>
/// </remarks>
internal sealed record TargetResult(
    string Name,
    LoadResult Load,
    StreamSummary? Stream,
    double IdleMemoryMb,
    double PeakMemoryMb,
    double? DrainSeconds,
    IReadOnlyList<InstanceResult>? Instances = null,
    DatabaseCheck? Database = null,
    PostgresStats? Postgres = null,
    LatencySummary? CrossStream = null);
