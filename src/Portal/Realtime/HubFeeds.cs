using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Portal.Tenancy;

namespace Portal.Realtime;

/// <summary>
/// One pump per hub connection, each with its own bounded subscription, so a slow or frozen client never slows
/// the others or the ingest (reliability.md S1): a send that takes over a second ends that client's connection,
/// and a client that fell behind is caught up from the database (S2).
/// </summary>
internal sealed partial class HubFeeds(
    DeliveryPublisher stream, DeliveryHistory history, PortalAccess access, IHubContext<DeliveriesHub> hub, RealtimeMetrics metrics, ILogger<HubFeeds> logger) : IDisposable
{
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, CancellationTokenSource> pumps = new();

    public void Start(HubCallerContext connection, long? afterId, AccessScope scope)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionAborted);
        if (pumps.TryRemove(connection.ConnectionId, out var previous))
        {
            previous.Cancel();
            previous.Dispose();
        }

        pumps[connection.ConnectionId] = cancel;

        // Subscribe before reading the backlog, so nothing published in between is missed.
        var subscription = stream.Subscribe();
        var feed = new Feed(scope);
        _ = Task.Run(() => PumpAsync(connection, subscription, afterId, feed, cancel.Token), CancellationToken.None);
        _ = Task.Run(() => RevalidateAsync(connection, feed, cancel.Token), CancellationToken.None);
    }

    public void Stop(string connectionId)
    {
        if (pumps.TryRemove(connectionId, out var cancel))
        {
            cancel.Cancel();
            cancel.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var connectionId in pumps.Keys)
        {
            Stop(connectionId);
        }
    }

    private async Task PumpAsync(HubCallerContext connection, DeliverySubscription subscription, long? afterId, Feed feed, CancellationToken cancellationToken)
    {
        using var _ = subscription;
        var client = hub.Clients.Client(connection.ConnectionId);
        try
        {
            // Highest id sent from the database: live "stored" messages up to it are already covered. A client
            // without a cursor starts live, from the newest row, so a later gap can still be filled.
            var caughtUpTo = afterId is { } start ? await CatchUpAsync(client, start, feed.Scope, cancellationToken) : long.MinValue;
            var lastId = afterId ?? await history.LatestIdAsync(cancellationToken);

            while (await subscription.Reader.WaitToReadAsync(cancellationToken))
            {
                if (subscription.TakeDropped() > 0)
                {
                    LogFellBehind(connection.ConnectionId);
                    caughtUpTo = await CatchUpAsync(client, lastId, feed.Scope, cancellationToken);
                }

                while (subscription.Reader.TryRead(out var summary))
                {
                    if ((summary.Kind == DeliverySummaryKind.Stored && summary.Id <= caughtUpTo) || !feed.Scope.Includes(summary.OrganizationId))
                    {
                        continue;
                    }

                    await SendAsync(client, DeliveriesHub.DeliveryMethod, summary, cancellationToken);

                    // Only "stored" moves the cursor: a state change can arrive for a row whose "stored" was lost
                    // (another instance's, or this one's processor ahead of a dropped message).
                    if (summary.Kind == DeliverySummaryKind.Stored)
                    {
                        lastId = Math.Max(lastId, summary.Id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client disconnected or subscribed again.
        }
        catch (OperationCanceledException)
        {
            metrics.Dropped("too_slow");
            LogDropped(connection.ConnectionId, SendTimeout.TotalSeconds);
            connection.Abort();
        }
    }

    // Access can be withdrawn while a connection stays open (an uninstall, an operator removed): it ends within a minute.
    private async Task RevalidateAsync(HubCallerContext connection, Feed feed, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(access.RecheckInterval, cancellationToken);
                feed.Scope = await access.ScopeOfAsync(connection.User ?? new System.Security.Claims.ClaimsPrincipal(), cancellationToken);
                if (feed.Scope.IsEmpty)
                {
                    metrics.Dropped("access_ended");
                    LogAccessEnded(connection.ConnectionId);
                    connection.Abort();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connection ended.
        }
    }

    private async Task<long> CatchUpAsync(IClientProxy client, long afterId, AccessScope scope, CancellationToken cancellationToken)
    {
        var missed = await history.AfterAsync(afterId, DeliveryHistory.MaxBackfill + 1, scope, cancellationToken);
        if (missed.Count > DeliveryHistory.MaxBackfill)
        {
            await SendAsync(client, DeliveriesHub.ReloadMethod, afterId, cancellationToken);
            return missed[^1].Id;
        }

        foreach (var summary in missed)
        {
            await SendAsync(client, DeliveriesHub.DeliveryMethod, summary, cancellationToken);
        }

        return missed.Count > 0 ? missed[^1].Id : afterId;
    }

    private static async Task SendAsync(IClientProxy client, string method, object argument, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        await client.SendAsync(method, argument, timeout.Token);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection {ConnectionId} lost its access to every organization; disconnected it")]
    private partial void LogAccessEnded(string connectionId);

    private sealed class Feed(AccessScope scope)
    {
        private volatile AccessScope current = scope;

        public AccessScope Scope
        {
            get => current;
            set => current = value;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection {ConnectionId} fell behind the live stream; catching it up from the database")]
    private partial void LogFellBehind(string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub connection {ConnectionId} took longer than {Seconds} s to take a message; disconnected it")]
    private partial void LogDropped(string connectionId, double seconds);
}
