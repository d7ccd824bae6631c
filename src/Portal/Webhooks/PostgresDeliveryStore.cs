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

    // Groups insert in body-hash order and update in id order, so two instances storing the same deliveries (Sentry's
    // retries land anywhere) take their locks in one order and wait for each other instead of deadlocking. Should
    // PostgreSQL still abort a group as a deadlock victim, nothing of it was committed and it is simply sent again.
    private const int Attempts = 5;

    // Prepared once per pooled connection: unprepared, PostgreSQL planned every insert and update afresh, which the
    // bench measured as most of the writer's backend time (docs/benchmarks.md, "PostgreSQL and two instances").
    private const int PreparedStatements = 4;

    private NpgsqlDataSource? dataSource;

    public async Task<StoreCommit> CommitAsync(
        IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<WebhookDelivery> outcomes, CancellationToken cancellationToken)
    {
        dataSource ??= NpgsqlDataSource.Create(WithPreparation(settings.ConnectionString));
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

    private static string WithPreparation(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // An operator's own setting wins; the store's two statements fit in a few slots.
            builder.MaxAutoPrepare = PreparedStatements;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    private async Task<StoreCommit> CommitOnceAsync(
        IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<WebhookDelivery> outcomes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource!.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        // Deliveries of one group arrived together, so their order among themselves says nothing; the lock order does.
        var insertOrder = Enumerable.Range(0, deliveries.Count)
            .OrderBy(i => deliveries[i].BodySha256, ByteOrder.Instance).ToArray();
        foreach (var i in insertOrder)
        {
            batch.BatchCommands.Add(Insert(deliveries[i]));
        }

        var updateOrder = Enumerable.Range(0, outcomes.Count).OrderBy(i => outcomes[i].Id).ToArray();
        foreach (var i in updateOrder)
        {
            batch.BatchCommands.Add(Update(outcomes[i]));
        }

        var ids = new long?[deliveries.Count];
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            foreach (var i in insertOrder)
            {
                // One result per insert, in batch order: its id, or no row for a duplicate.
                ids[i] = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null;
                await reader.NextResultAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);

        // Each update says how many rows it changed once the batch's results are read: none when the claim was lost.
        HashSet<long>? superseded = null;
        for (var position = 0; position < updateOrder.Length; position++)
        {
            if (batch.BatchCommands[deliveries.Count + position].RecordsAffected == 0)
            {
                (superseded ??= []).Add(outcomes[updateOrder[position]].Id);
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

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
