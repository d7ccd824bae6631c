using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>
/// The delivery tables' writer on PostgreSQL: the same group commit as on SQLite (one transaction per group, a 2xx
/// only after it commits), sent as one <see cref="NpgsqlBatch"/> so a group costs one round trip and one fsync.
/// Each delivery is one statement that inserts the row and its body together, <c>ON CONFLICT DO NOTHING</c> on the
/// body's hash: a duplicate (also one stored meanwhile by another instance) returns no id and fails nothing.
/// Column and table names follow the EF Core model, as <see cref="SqliteDeliveryStore"/>'s do.
/// </summary>
internal sealed class PostgresDeliveryStore(PortalDataSettings settings) : IDeliveryStore, IAsyncDisposable
{
    private const string InsertSql = """
        WITH inserted AS (
            INSERT INTO "WebhookDeliveries"
                ("RequestId", "BodySha256", "Resource", "Action", "InstallationUuid", "ReceivedAt", "HookTimestamp",
                 "Flags", "Source", "OrganizationId", "State", "Attempts", "NextAttemptAt")
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0 /* Pending */, 0, $6)
            ON CONFLICT ("BodySha256") DO NOTHING
            RETURNING "Id")
        INSERT INTO "WebhookDeliveryBodies" ("Id", "Body") SELECT "Id", $11 FROM inserted
        RETURNING "Id";
        """;

    private const string UpdateSql = """
        UPDATE "WebhookDeliveries"
        SET "State" = $1, "Attempts" = $2, "NextAttemptAt" = $3, "ProcessedAt" = $4,
            "LastError" = $5, "Flags" = $6, "OrganizationId" = $7, "Summary" = $8,
            "ClaimedBy" = NULL, "ClaimedUntil" = NULL
        WHERE "Id" = $9 AND ($10::varchar IS NULL OR "ClaimedBy" = $10);
        """;

    // Two instances storing the same two deliveries in opposite orders can deadlock on the hash index; PostgreSQL
    // then aborts one group, which is simply sent again (nothing of it was committed).
    private const int Attempts = 3;

    private NpgsqlDataSource? dataSource;

    public async Task<StoreCommit> CommitAsync(
        IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<WebhookDelivery> outcomes, CancellationToken cancellationToken)
    {
        dataSource ??= NpgsqlDataSource.Create(settings.ConnectionString);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CommitOnceAsync(deliveries, outcomes, cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < Attempts)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
    }

    private async Task<StoreCommit> CommitOnceAsync(
        IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<WebhookDelivery> outcomes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource!.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var delivery in deliveries)
        {
            batch.BatchCommands.Add(Insert(delivery));
        }

        foreach (var outcome in outcomes)
        {
            batch.BatchCommands.Add(Update(outcome));
        }

        var ids = new long?[deliveries.Count];
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < deliveries.Count; i++)
            {
                // One result per insert, in order: its id, or no row for a duplicate.
                ids[i] = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null;
                await reader.NextResultAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);

        // Each update says how many rows it changed once the batch's results are read: none when the claim was lost.
        HashSet<long>? superseded = null;
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (batch.BatchCommands[deliveries.Count + i].RecordsAffected == 0)
            {
                (superseded ??= []).Add(outcomes[i].Id);
            }
        }

        return new StoreCommit(ids, superseded ?? StoreCommit.NoneSuperseded);
    }

    private static NpgsqlBatchCommand Insert(PendingDelivery delivery) => new(InsertSql)
    {
        Parameters =
        {
            Text(delivery.RequestId),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = delivery.BodySha256 },
            Text(delivery.Resource),
            Text(delivery.Action),
            // Same text form as the EF Core model's Guid convention ("D", lower case).
            Text(delivery.InstallationUuid?.ToString("D")),
            BigInt(delivery.ReceivedAt.UtcTicks),
            BigInt(delivery.HookTimestamp),
            Integer((int)delivery.Flags),
            Integer((int)delivery.Source),
            BigInt(delivery.OrganizationId),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = delivery.StoredBody },
        },
    };

    private static NpgsqlBatchCommand Update(WebhookDelivery outcome) => new(UpdateSql)
    {
        Parameters =
        {
            Integer((int)outcome.State),
            Integer(outcome.Attempts),
            BigInt(outcome.NextAttemptAt.UtcTicks),
            BigInt(outcome.ProcessedAt?.UtcTicks),
            Text(outcome.LastError),
            Integer((int)outcome.Flags),
            BigInt(outcome.OrganizationId),
            Text(outcome.Summary),
            BigInt(outcome.Id),
            Text(outcome.ClaimedBy),
        },
    };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Varchar, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter BigInt(long? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Integer(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value };
}
