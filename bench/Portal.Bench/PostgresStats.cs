namespace Portal.Bench;

/// <summary>PostgreSQL during the measured window (see <see cref="PostgresSampler"/>).</summary>
/// <remarks>
/// <c>Backends</c>: Mean number of the database's client backends per state or wait event ("IO:WALSync", "Lock:transactionid", "idle" = waiting for the portal).<br/>
/// <c>TopStatements</c>: pg_stat_statements' most expensive statements over the window (the bench's own cluster only).<br/>
/// <c>WalSyncMs</c>: Mean time of one WAL fsync (track_wal_io_timing), in ms.<br/>
/// </remarks>
internal sealed record PostgresStats(
    IReadOnlyDictionary<string, double> Backends,
    int Samples,
    double WalRecordsPerSecond,
    double WalMegabytesPerSecond,
    double WalWritesPerSecond,
    double WalSyncsPerSecond,
    double WalSyncMs,
    double CommitsPerSecond,
    double RollbacksPerSecond,
    IReadOnlyList<StatementStats> TopStatements);
