namespace Portal.Webhooks;

/// <summary>
/// The background loop that works through committed deliveries after Sentry has its 2xx: one
/// <see cref="ProcessingPass"/> after another, <see cref="DeliveryMending"/> between them, and sleep until new work
/// is signalled or the next retry is due.
/// </summary>
/// <remarks>State lives in the table, so work resumes after a restart.</remarks>
internal sealed partial class DeliveryProcessor(
    ProcessingPass pass,
    DeliveryMending mending,
    WorkSignal signal,
    TimeProvider time,
    ILogger<DeliveryProcessor> logger) : BackgroundService
{
    /// <summary>How long new work may wait to be taken together with what follows it.</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>How long to sleep when nothing is due and nothing new arrives (retries come due on their own).</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

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
                await signal.WaitAsync(IdleWait, time, stoppingToken);
            }
        }
    }

    // Until the next scheduled retry (at most IdleWait), unless the writer signals new work first.
    private async Task SleepAsync(CancellationToken stoppingToken)
    {
        var nextDue = await pass.NextDueAsync(stoppingToken);
        var now = time.GetUtcNow();
        var wait = (nextDue ?? now + IdleWait) - now;
        await signal.WaitAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleWait ? IdleWait : wait, time, stoppingToken);

        // Let a few more commits land so one pass takes a batch, not one delivery: the per-pass queries and the
        // outcome commit are the processor's fixed cost. A batching window, not business time, so real time rather
        // than the TimeProvider.
        await Task.Delay(GatherWindow, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A delivery processor pass failed; the next pass retries shortly")]
    private partial void LogPassFailed(Exception exception);
}
