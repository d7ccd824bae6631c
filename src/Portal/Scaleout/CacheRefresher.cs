using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Portal.Scaleout;

/// <summary>
/// Re-reads every <see cref="IInstanceCache"/> on a timer — often without Redis or while it is unreachable, rarely
/// while it is connected — and at once when other instances' messages may have been lost (<see cref="InstanceMessages.Interrupted"/>). Lookups never wait for it: each cache swaps in what changed.
/// </summary>
internal sealed partial class CacheRefresher(
    IEnumerable<IInstanceCache> caches, InstanceMessages instances, IOptions<ScaleoutOptions> options, TimeProvider time, ILogger<CacheRefresher> logger)
    : BackgroundService
{
    private readonly Channel<bool> wakeups = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = caches.ToArray();
        if (all.Length == 0)
        {
            return;
        }

        instances.Interrupted += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await WaitAsync(stoppingToken);
                foreach (var cache in all)
                {
                    try
                    {
                        await cache.RefreshAsync(stoppingToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
                    {
                        LogRefreshFailed(exception, cache.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        finally
        {
            instances.Interrupted -= Wake;
        }
    }

    private void Wake() => wakeups.Writer.TryWrite(true);

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        var interval = instances.IsConnected ? options.Value.RefreshIntervalWithRedis : options.Value.RefreshInterval;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var elapsed = Task.Delay(interval == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : interval, time, wait.Token);
        var woken = wakeups.Reader.WaitToReadAsync(wait.Token).AsTask();
        await Task.WhenAny(elapsed, woken);
        await wait.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        wakeups.Reader.TryRead(out _);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh {Cache} from the database; it tries again at the next interval")]
    private partial void LogRefreshFailed(Exception exception, string cache);
}
