using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Portal.Data;

/// <summary>
/// Named locks that every process on the database respects: PostgreSQL transaction-level advisory locks, held on a
/// connection of their own until disposed, and released by the server if the holder dies (its connection ends). On
/// SQLite one process owns the file, so the caller's in-process lock is all there is to hold.
/// </summary>
public sealed class DatabaseLocks(PortalDataSettings settings)
{
    private static readonly IAsyncDisposable Nothing = new Released();

    /// <summary>Waits for the lock named <paramref name="name"/>; dispose the result to release it.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!settings.IsPostgres)
        {
            return Nothing;
        }

        // Advisory locks are keyed by a 64-bit number: the name's SHA-256, cut to 64 bits (a collision only serialises).
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = key });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return new Held(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Ending the transaction releases the lock; the connection goes back to the pool clean.
                await transaction.RollbackAsync(CancellationToken.None);
            }
            finally
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }

    private sealed class Released : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
