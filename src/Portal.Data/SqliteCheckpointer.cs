using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Data;

/// <summary>
/// Copies the WAL back into the database file in the background (a PASSIVE checkpoint takes no write lock), so
/// the writer never checkpoints inside a commit that a request is waiting for.
/// </summary>
public sealed partial class SqliteCheckpointer(PortalDataSettings settings, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                await CheckpointAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (SqliteException exception)
            {
                LogFailed(exception);
            }
        }

        // One last pass on the way out leaves a short WAL behind for the next start.
        await CheckpointAsync(CancellationToken.None);
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(PASSIVE);";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WAL checkpoint failed; the next one retries")]
    private partial void LogFailed(Exception exception);
}
