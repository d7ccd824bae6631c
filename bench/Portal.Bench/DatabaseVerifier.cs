using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace Portal.Bench;

/// <summary>Waits for processing to finish, then reads every delivery row back (PostgreSQL runs only).</summary>
internal static class DatabaseVerifier
{
    private const string BacklogSql = """
        SELECT count(*) FILTER (WHERE "State" IN (0, 2) AND "Resource" <> 'installation'), count(*) FILTER (WHERE "ClaimedBy" IS NOT NULL)
        FROM "WebhookDeliveries"
        """;

    // installation.created is left out: its handler calls Sentry, which a bench run points at a closed port, so it
    // retries by design.

    /// <summary>Polls until no row of the load is Pending or Retrying and none is claimed, up to <paramref name="limit"/>; seconds waited.</summary>
    public static async Task<(double Seconds, bool Drained)> WaitDrainedAsync(string connectionString, TimeSpan limit, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand(BacklogSql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(0) == 0 && reader.GetInt64(1) == 0)
            {
                return (waited.Elapsed.TotalSeconds, true);
            }

            if (waited.Elapsed >= limit)
            {
                return (waited.Elapsed.TotalSeconds, false);
            }

            await reader.DisposeAsync();
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Checks the rows against the log; also returns each row's id → the instance that acknowledged it.</summary>
    public static async Task<(DatabaseCheck Check, Dictionary<long, int> InstanceById)> VerifyAsync(
        string connectionString, DeliveryPool pool, SendLog log, (double Seconds, bool Drained) drain, int failedRequests, CancellationToken cancellationToken)
    {
        var acknowledged = log.AcknowledgedIndices().ToArray();
        var hashes = new string[acknowledged.Length];
        Parallel.For(0, acknowledged.Length, i => hashes[i] = Convert.ToHexString(SHA256.HashData(pool.Deliveries[acknowledged[i]].Body)));
        var wanted = new HashSet<string>(hashes, StringComparer.Ordinal);
        var instanceByRequest = log.InstanceByRequestId();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var states = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var otherStates = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var instanceById = new Dictionary<long, int>();
        int rows = 0, duplicates = 0, storedAcknowledged = 0, other = 0, claimed = 0;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""SELECT "Id", "RequestId", "BodySha256", "State", "ClaimedBy" FROM "WebhookDeliveries" """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var hash = Convert.ToHexString((byte[])reader.GetValue(2));
            if (!seen.Add(hash))
            {
                duplicates++;
            }
            else if (wanted.Contains(hash))
            {
                storedAcknowledged++;
            }
            else
            {
                other++;
            }

            var state = reader.GetInt32(3).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var tally = wanted.Contains(hash) ? states : otherStates;
            tally[state] = tally.GetValueOrDefault(state) + 1;
            if (!reader.IsDBNull(4))
            {
                claimed++;
            }

            if (!reader.IsDBNull(1) && instanceByRequest.TryGetValue(reader.GetString(1), out var instance))
            {
                instanceById[reader.GetInt64(0)] = instance;
            }
        }

        var retryOutcomes = new SortedDictionary<string, int>(log.Retries.Outcomes.ToDictionary(), StringComparer.Ordinal);
        var check = new DatabaseCheck(
            wanted.Count, rows, storedAcknowledged, wanted.Count - storedAcknowledged, duplicates, other, states, otherStates, claimed,
            drain.Seconds, drain.Drained, log.Retries.Count, retryOutcomes, failedRequests);
        return (check, instanceById);
    }
}
