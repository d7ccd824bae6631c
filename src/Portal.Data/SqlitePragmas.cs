using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Data;

/// <summary>
/// The per-connection SQLite settings (reliability.md D1). WAL is a property of the file and is set once when
/// the database is migrated; the rest must be set on every connection.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>
    /// <c>synchronous=FULL</c>: an acknowledged delivery survives power loss, not just a process crash; group commit
    /// makes the extra fsync cheap (reliability.md Appendix 1). Checkpoints stay automatic (every 1,000 pages) and run
    /// on the writer between its own commits, so each one completes and the WAL is reused from its start instead of
    /// growing (a growing file costs the kernel a zero-fill on every append); it is trimmed to 64 MiB if it ever grew.
    /// </summary>
    public const string PerConnection =
        "PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=67108864;";

    public static void Apply(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = PerConnection;
        command.ExecuteNonQuery();
    }

    public static async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = PerConnection;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);
}
