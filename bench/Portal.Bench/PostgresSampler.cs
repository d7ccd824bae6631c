using Npgsql;

namespace Portal.Bench;

/// <summary>
/// What PostgreSQL did during the measured window: what its backends for the run's database were waiting on
/// (pg_stat_activity sampled every 200 ms) and the WAL and commit counters' deltas (pg_stat_wal, pg_stat_database).
/// </summary>
internal static class PostgresSampler
{
    private const string ActivitySql = """
        SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU (active, no wait)')
                    ELSE coalesce(state, '?') END, count(*)
        FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
        GROUP BY 1
        """;

    private const string CountersSql = """
        SELECT w.wal_records, w.wal_bytes, w.wal_write, w.wal_sync, w.wal_write_time, w.wal_sync_time, d.xact_commit, d.xact_rollback
        FROM pg_stat_wal w, pg_stat_database d WHERE d.datname = current_database()
        """;

    /// <summary>Samples from <paramref name="delay"/> for <paramref name="window"/>.</summary>
    public static async Task<PostgresStats?> SampleAsync(string connectionString, TimeSpan delay, TimeSpan window, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await Task.Delay(delay, cancellationToken);
            var statements = await ResetStatementsAsync(connection, cancellationToken);
            var before = await CountersAsync(connection, cancellationToken);
            var started = DateTime.UtcNow;
            var totals = new Dictionary<string, long>(StringComparer.Ordinal);
            var samples = 0;
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            while (DateTime.UtcNow - started < window && await timer.WaitForNextTickAsync(cancellationToken))
            {
                await using var command = new NpgsqlCommand(ActivitySql, connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    totals[reader.GetString(0)] = totals.GetValueOrDefault(reader.GetString(0)) + reader.GetInt64(1);
                }

                samples++;
            }

            var after = await CountersAsync(connection, cancellationToken);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            var top = statements ? await TopStatementsAsync(connection, seconds, cancellationToken) : [];
            double Rate(int i) => (after[i] - before[i]) / seconds;
            var syncs = after[3] - before[3];
            return new PostgresStats(
                totals.OrderByDescending(t => t.Value).ToDictionary(t => t.Key, t => Math.Round((double)t.Value / Math.Max(1, samples), 2), StringComparer.Ordinal),
                samples,
                Rate(0),
                Rate(1) / 1024 / 1024,
                Rate(2),
                Rate(3),
                syncs > 0 ? (after[5] - before[5]) / syncs : 0,
                Rate(6),
                Rate(7),
                top);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            Console.WriteLine($"  warning: could not sample PostgreSQL: {exception.Message}");
            return null;
        }
    }

    // pg_stat_statements is loaded in the bench's own cluster; a given server may not have it.
    private static async Task<bool> ResetStatementsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    private static async Task<IReadOnlyList<StatementStats>> TopStatementsAsync(NpgsqlConnection connection, double seconds, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT regexp_replace(left(query, 90), '\s+', ' ', 'g'), calls, total_exec_time, total_plan_time, rows
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time + total_plan_time DESC LIMIT 6
            """;
        var top = new List<StatementStats>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var calls = reader.GetInt64(1);
            top.Add(new StatementStats(reader.GetString(0), calls / seconds, reader.GetDouble(2) / Math.Max(1, calls), reader.GetDouble(3) / Math.Max(1, calls),
                (reader.GetDouble(2) + reader.GetDouble(3)) / 1000 / seconds, reader.GetInt64(4) / seconds));
        }

        return top;
    }

    private static async Task<double[]> CountersAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(CountersSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return [.. Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToDouble(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))];
    }
}
