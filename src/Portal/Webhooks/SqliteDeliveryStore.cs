using Microsoft.Data.Sqlite;
using Portal.Data;

namespace Portal.Webhooks;

/// <summary>
/// The ingest path's only writer connection. Plain parameterised ADO.NET rather than EF Core: one prepared
/// <c>INSERT … ON CONFLICT DO NOTHING RETURNING</c> per row inside one <c>BEGIN IMMEDIATE</c> transaction per batch,
/// so a duplicate body neither fails the batch nor needs a second query.
/// </summary>
internal sealed class SqliteDeliveryStore(PortalDataSettings settings) : IDeliveryStore, IAsyncDisposable
{
    private const string InsertSql = """
        INSERT INTO "WebhookDeliveries"
            ("RequestId", "BodySha256", "Resource", "Action", "InstallationUuid", "ReceivedAt", "HookTimestamp",
             "Flags", "Source", "Body", "State", "Attempts", "NextAttemptAt")
        VALUES ($requestId, $sha, $resource, $action, $installation, $receivedAt, $hookTimestamp,
                $flags, $source, $body, 0 /* Pending */, 0, $receivedAt)
        ON CONFLICT ("BodySha256") DO NOTHING
        RETURNING "Id";
        """;

    private SqliteConnection? connection;
    private SqliteCommand? insert;

    public async Task<IReadOnlyList<long?>> InsertBatchAsync(IReadOnlyList<PendingDelivery> batch, CancellationToken cancellationToken)
    {
        var command = await PrepareAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await connection!.BeginTransactionAsync(cancellationToken);
            command.Transaction = transaction;
            var ids = new long?[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                Bind(command, batch[i]);
                ids[i] = await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
            }

            await transaction.CommitAsync(cancellationToken);
            return ids;
        }
        catch
        {
            // A broken connection is reopened on the next batch rather than reused.
            await ResetAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await ResetAsync();

    private async Task<SqliteCommand> PrepareAsync(CancellationToken cancellationToken)
    {
        if (insert is not null)
        {
            return insert;
        }

        connection = new SqliteConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await SqlitePragmas.ApplyAsync(connection, cancellationToken);
        var command = connection.CreateCommand();
        command.CommandText = InsertSql;
        foreach (var name in new[] { "$requestId", "$sha", "$resource", "$action", "$installation", "$receivedAt", "$hookTimestamp", "$flags", "$source", "$body" })
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        insert = command;
        return command;
    }

    private static void Bind(SqliteCommand command, PendingDelivery delivery)
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
        p[9].Value = delivery.Body;
    }

    private async Task ResetAsync()
    {
        if (insert is not null)
        {
            await insert.DisposeAsync();
            insert = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }
}
