using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// Takes due automation runs (pending, or failed and due again) and carries them out through the
/// <see cref="AutomationRunner"/>: one lane per organization, so an organization's runs act in order and a slow
/// Sentry or destination of one organization holds up only its own; at most <see cref="Lanes"/> organizations at once.
/// Woken when processing stores new runs; otherwise it looks again when the next retry is due (at most every
/// <see cref="PollInterval"/>), which is also how it sees runs an instance that died left waiting.
/// </summary>
internal sealed partial class AutomationWorker(
    AutomationRunner runner,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider time,
    ILogger<AutomationWorker> logger) : BackgroundService
{
    public const int Lanes = 4;

    /// <summary>
    /// The longest it sleeps: how soon it sees runs an instance that died left behind. Its own runs wake it at once,
    /// and it sleeps only until the next retry is due.
    /// </summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private const int Batch = 100;

    private readonly WorkSignal signal = new();
    private readonly ConcurrentDictionary<long, Task> busy = new();

    /// <summary>New runs are stored: look now.</summary>
    public void Notify() => signal.Notify();

    public override void Dispose()
    {
        signal.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Runs left waiting for a busy lane are looked at again when a lane finishes (it signals).
                var waiting = await StartLanesAsync(stoppingToken);
                await signal.WaitAsync(waiting ? PollInterval : await UntilNextDueAsync(stoppingToken), time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(exception);
                await signal.WaitAsync(PollInterval, time, stoppingToken);
            }
        }

        // Let the lanes finish the action in hand and save it.
        await Task.WhenAll(busy.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Starts a lane for each organization with due runs, as lanes allow; returns whether due runs wait for one.</summary>
    private async Task<bool> StartLanesAsync(CancellationToken stoppingToken)
    {
        if (busy.Count >= Lanes)
        {
            return true;
        }

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var due = await db.AutomationRuns.AsNoTracking()
            .Where(r => r.NextAttemptAt != null && r.NextAttemptAt <= now)
            .OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id)
            .Select(r => new { r.Id, r.OrganizationId })
            .Take(Batch)
            .ToListAsync(stoppingToken);
        var waiting = false;
        foreach (var lane in due.GroupBy(r => r.OrganizationId))
        {
            if (busy.Count >= Lanes || busy.ContainsKey(lane.Key))
            {
                waiting = true;
                continue;
            }

            // Registered before it starts, so a lane that ends at once still finds itself to remove.
            var ids = lane.Select(r => r.Id).ToList();
            var organizationId = lane.Key;
            var start = new Task<Task>(() => RunLaneAsync(organizationId, ids, stoppingToken));
            busy[organizationId] = start.Unwrap();
            start.Start(TaskScheduler.Default);
        }

        return waiting;
    }

    private async Task RunLaneAsync(long organizationId, List<long> ids, CancellationToken stoppingToken)
    {
        try
        {
            foreach (var id in ids)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                try
                {
                    await runner.RunAsync(id, stoppingToken);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    LogRunFailed(exception, id);
                }
            }
        }
        finally
        {
            busy.TryRemove(organizationId, out _);
            signal.Notify();
        }
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var next = await db.AutomationRuns.Where(r => r.NextAttemptAt != null).OrderBy(r => r.NextAttemptAt).Select(r => r.NextAttemptAt).FirstOrDefaultAsync(stoppingToken);
        var wait = (next ?? time.GetUtcNow() + PollInterval) - time.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > PollInterval ? PollInterval : wait;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The automation worker's pass failed; it looks again shortly")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Automation run {RunId} failed unexpectedly; it stays as it was left")]
    private partial void LogRunFailed(Exception exception, long runId);
}
