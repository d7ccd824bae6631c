using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Data;

/// <summary>What a failed save means, asked in one place (each store's error codes are its business).</summary>
public static class StorageErrors
{
    /// <summary>The save broke a unique index: someone else stored the same key first.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.InnerException is SqliteException { SqliteErrorCode: 19 /* SQLITE_CONSTRAINT */ }
            or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
    }
}
