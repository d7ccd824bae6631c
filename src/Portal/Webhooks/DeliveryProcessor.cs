namespace Portal.Webhooks;

/// <summary>
/// The background loop that works through committed deliveries after Sentry has its 2xx: one
/// <see cref="ProcessingPass"/> after another, <see cref="DeliveryMending"/> between them, and sleep on the injected
/// <see cref="TimeProvider"/> until new work is signalled or the next retry is due.
/// </summary>
/// <remarks>State lives in the table, so work resumes after a restart.</remarks>
internal sealed partial class DeliveryProcessor(
    ProcessingPass pass,
    DeliveryMending mending,
    WorkSignal signal,
    ProcessingPace pace,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await mending.MendAllAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await mending.MendLearnedAsync(stoppingToken);
                if (await pass.ProcessDueAsync(stoppingToken) == 0)
                {
                    await SleepAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong, the intake keeps acknowledging and the next pass tries again: a crashed
                // background service would stop the whole host.
                LogPassFailed(exception);
                await signal.WaitAsync(pace.IdleWait, time, stoppingToken);
            }
        }
    }

    // Until the next scheduled retry (at most IdleWait), unless the writer signals new work first.
    private async Task SleepAsync(CancellationToken stoppingToken)
    {
        var nextDue = await pass.NextDueAsync(stoppingToken);
        var now = time.GetUtcNow();
        var wait = (nextDue ?? now + pace.IdleWait) - now;
        await signal.WaitAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > pace.IdleWait ? pace.IdleWait : wait, time, stoppingToken);

        // Let a few more commits land so one pass takes a batch, not one delivery: the per-pass queries and the
        // outcome commit are the processor's fixed cost.
        await Task.Delay(pace.GatherWindow, time, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A delivery processor pass failed; the next pass retries shortly")]
    private partial void LogPassFailed(Exception exception);
}
