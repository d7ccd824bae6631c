using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;
using Portal.Webhooks;

namespace Portal.Dashboard;

/// <summary>
/// Aggregates for the overview, computed in the database (grouped by minute and resource) rather than by loading rows,
/// and always within the person's scope. Acknowledgement times are the portal's own health and not per tenant.
/// </summary>
internal sealed class DeliveryStatistics(IDbContextFactory<PortalDbContext> dbFactory, AcknowledgementLatencies latencies, TimeProvider time)
{
    public const int Minutes = 60;

    public async Task<OverviewSnapshot> SnapshotAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var now = time.GetUtcNow();
        var firstMinute = now.UtcTicks / TimeSpan.TicksPerMinute - (Minutes - 1);
        var from = new DateTimeOffset(firstMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);

        // Plain SQL on the context's connection, the same text for SQLite and PostgreSQL (integer division on both).
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var (filter, parameters) = ScopeFilter(scope);

        var perMinute = new Dictionary<string, double[]>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            // ReceivedAt is stored as UTC ticks (UtcTicksConverter).
            command.CommandText = $"""
                SELECT "ReceivedAt" / {TimeSpan.TicksPerMinute} AS minute, "Resource", COUNT(*)
                FROM "WebhookDeliveries" WHERE "ReceivedAt" >= @from {filter}
                GROUP BY minute, "Resource";
                """;
            AddParameter(command, "@from", from.UtcTicks);
            parameters.ForEach(p => AddParameter(command, p.Name, p.Value));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = (int)(reader.GetInt64(0) - firstMinute);
                if (index is >= 0 and < Minutes)
                {
                    var resource = reader.GetString(1);
                    if (!perMinute.TryGetValue(resource, out var counts))
                    {
                        perMinute[resource] = counts = new double[Minutes];
                    }

                    counts[index] += reader.GetInt64(2);
                }
            }
        }

        var states = new long[Enum.GetValues<DeliveryState>().Length];
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""SELECT "State", COUNT(*) FROM "WebhookDeliveries" WHERE 1 = 1 {filter} GROUP BY "State";""";
            parameters.ForEach(p => AddParameter(command, p.Name, p.Value));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetInt32(0) is var state && state >= 0 && state < states.Length)
                {
                    states[state] = reader.GetInt64(1);
                }
            }
        }

        var acknowledged = latencies.Percentiles(50, 99);
        return new OverviewSnapshot(
            from, [.. perMinute.Keys.Order(StringComparer.Ordinal)], perMinute, (int)perMinute.Values.Sum(c => c.Sum()),
            (int)states[(int)DeliveryState.Pending], (int)states[(int)DeliveryState.Retrying], (int)states[(int)DeliveryState.Dead],
            (int)states[(int)DeliveryState.NeedsAttention], acknowledged?[0], acknowledged?[1]);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    // Members see their organizations' rows only (never orphans); operators see all.
    private static (string Filter, List<(string Name, object Value)> Parameters) ScopeFilter(AccessScope scope)
    {
        if (scope.AllOrganizations)
        {
            return ("", []);
        }

        var parameters = scope.OrganizationIds.Select((organization, i) => ($"@org{i}", (object)organization)).ToList();
        return parameters.Count == 0
            ? ("AND 0 = 1", [])
            : ($"AND \"OrganizationId\" IN ({string.Join(", ", parameters.Select(p => p.Item1))})", parameters);
    }
}
