using Microsoft.Data.Sqlite;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>
/// The delivery tables' only writer connection. Plain parameterised ADO.NET rather than EF Core: prepared
/// <c>INSERT … ON CONFLICT DO NOTHING RETURNING</c> and <c>UPDATE</c> statements inside one transaction per
/// group, so a duplicate body neither fails the group nor needs a second query. Column and table names follow
/// the EF Core model (WebhookDeliveryConfiguration); the integration tests read every row back through EF Core.
/// </summary>
internal sealed class SqliteDeliveryStore(PortalDataSettings settings) : IDeliveryStore, IAsyncDisposable
{
    private const string InsertSql = """
        INSERT INTO "WebhookDeliveries"
            ("RequestId", "BodySha256", "Resource", "Action", "InstallationUuid", "ReceivedAt", "HookTimestamp",
             "Flags", "Source", "OrganizationId", "State", "Attempts", "NextAttemptAt")
        VALUES ($requestId, $sha, $resource, $action, $installation, $receivedAt, $hookTimestamp,
                $flags, $source, $organization, 0 /* Pending */, 0, $receivedAt)
        ON CONFLICT ("BodySha256") DO NOTHING
        RETURNING "Id";
        """;

    private const string InsertBodySql = """INSERT INTO "WebhookDeliveryBodies" ("Id", "Body") VALUES ($id, $body);""";

    private const string UpdateSql = """
        UPDATE "WebhookDeliveries"
        SET "State" = $state, "Attempts" = $attempts, "NextAttemptAt" = $nextAttemptAt, "ProcessedAt" = $processedAt,
            "LastError" = $lastError, "Flags" = $flags, "OrganizationId" = $organization, "Summary" = $summary,
            "ClaimedBy" = NULL, "ClaimedUntil" = NULL
        WHERE "Id" = $id AND ($claim IS NULL OR "ClaimedBy" = $claim);
        """;

    private SqliteConnection? connection;
    private SqliteCommand? insert;
    private SqliteCommand? insertBody;
    private SqliteCommand? update;

    public async Task<StoreCommit> CommitAsync(
        IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<WebhookDelivery> outcomes, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await connection!.BeginTransactionAsync(cancellationToken);
            insert!.Transaction = transaction;
            insertBody!.Transaction = transaction;
            update!.Transaction = transaction;
            var ids = new long?[deliveries.Count];
            for (var i = 0; i < deliveries.Count; i++)
            {
                BindInsert(insert, deliveries[i]);
                if (await insert.ExecuteScalarAsync(cancellationToken) is long id)
                {
                    ids[i] = id;
                    insertBody.Parameters[0].Value = id;
                    insertBody.Parameters[1].Value = deliveries[i].StoredBody;
                    await insertBody.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            HashSet<long>? superseded = null;
            foreach (var outcome in outcomes)
            {
                BindUpdate(update, outcome);
                if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    (superseded ??= []).Add(outcome.Id);
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return new StoreCommit(ids, superseded ?? StoreCommit.NoneSuperseded);
        }
        catch
        {
            // A broken connection is reopened for the next group rather than reused.
            await ResetAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await ResetAsync();

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (connection is not null)
        {
            return;
        }

        connection = new SqliteConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await SqlitePragmas.ApplyAsync(connection, cancellationToken);
        await using (var cache = connection.CreateCommand())
        {
            // 32 MiB for this connection alone: the dedupe and Request-ID indexes take random inserts.
            cache.CommandText = "PRAGMA cache_size=-32768;";
            await cache.ExecuteNonQueryAsync(cancellationToken);
        }

        insert = Prepare(connection, InsertSql, "$requestId", "$sha", "$resource", "$action", "$installation", "$receivedAt", "$hookTimestamp", "$flags", "$source", "$organization");
        insertBody = Prepare(connection, InsertBodySql, "$id", "$body");
        update = Prepare(connection, UpdateSql, "$state", "$attempts", "$nextAttemptAt", "$processedAt", "$lastError", "$flags", "$organization", "$summary", "$id", "$claim");
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void BindInsert(SqliteCommand command, PendingDelivery delivery)
    {
        var p = command.Parameters;
        p[0].Value = (object?)delivery.RequestId ?? DBNull.Value;
        p[1].Value = delivery.BodySha256;
        p[2].Value = delivery.Resource;
        p[3].Value = (object?)delivery.Action ?? DBNull.Value;
        // Same text form as the EF Core model's Guid convention ("D", lower case).
        p[4].Value = (object?)delivery.InstallationUuid?.ToString("D") ?? DBNull.Value;
        p[5].Value = delivery.ReceivedAt.UtcTicks;
        p[6].Value = (object?)delivery.HookTimestamp ?? DBNull.Value;
        p[7].Value = (int)delivery.Flags;
        p[8].Value = (int)delivery.Source;

        // Known at once for a service hook (its registration) and usually for a webhook (the installation cache);
        // the processor confirms or sets it for webhooks.
        p[9].Value = (object?)delivery.OrganizationId ?? DBNull.Value;
    }

    private static void BindUpdate(SqliteCommand command, WebhookDelivery outcome)
    {
        var p = command.Parameters;
        p[0].Value = (int)outcome.State;
        p[1].Value = outcome.Attempts;
        p[2].Value = outcome.NextAttemptAt.UtcTicks;
        p[3].Value = (object?)outcome.ProcessedAt?.UtcTicks ?? DBNull.Value;
        p[4].Value = (object?)outcome.LastError ?? DBNull.Value;
        p[5].Value = (int)outcome.Flags;
        p[6].Value = (object?)outcome.OrganizationId ?? DBNull.Value;
        p[7].Value = (object?)outcome.Summary ?? DBNull.Value;
        p[8].Value = outcome.Id;
        p[9].Value = (object?)outcome.ClaimedBy ?? DBNull.Value;
    }

    private async Task ResetAsync()
    {
        foreach (var command in new[] { insert, insertBody, update })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }

        insert = insertBody = update = null;
        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }
}
