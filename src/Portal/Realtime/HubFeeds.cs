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
            // What was sent from the database: live "stored" messages for those are already covered. A client
            // without a cursor starts live, from the newest row, so a later gap can still be filled.
            var caughtUp = afterId is { } start ? await CatchUpAsync(client, start, feed.Scope, cancellationToken) : CaughtUp.Nothing;
            var lastId = afterId ?? await history.LatestIdAsync(cancellationToken);

            while (await subscription.Reader.WaitToReadAsync(cancellationToken))
            {
                if (subscription.TakeDropped() > 0)
                {
                    LogFellBehind(connection.ConnectionId);
                    caughtUp = await CatchUpAsync(client, lastId, feed.Scope, cancellationToken);
                }

                while (subscription.Reader.TryRead(out var summary))
                {
                    if ((summary.Kind == DeliverySummaryKind.Stored && caughtUp.Covers(summary.Id)) || !feed.Scope.Includes(summary.OrganizationId))
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

    private async Task<CaughtUp> CatchUpAsync(IClientProxy client, long afterId, AccessScope scope, CancellationToken cancellationToken)
    {
        var missed = await history.AfterAsync(afterId, DeliveryHistory.MaxBackfill + 1, scope, cancellationToken);
        if (missed.Count > DeliveryHistory.MaxBackfill)
        {
            await SendAsync(client, DeliveriesHub.ReloadMethod, afterId, cancellationToken);
            return new CaughtUp(missed[^1].Id, null);
        }

        foreach (var summary in missed)
        {
            await SendAsync(client, DeliveriesHub.DeliveryMethod, summary, cancellationToken);
        }

        return new CaughtUp(long.MinValue, [.. missed.Select(summary => summary.Id)]);
    }

    private static async Task SendAsync(IClientProxy client, string method, object argument, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        await client.SendAsync(method, argument, timeout.Token);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection {ConnectionId} lost its access to every organization; disconnected it")]
    private partial void LogAccessEnded(string connectionId);

    /// <summary>
    /// The deliveries a catch-up covered: the ids it sent, or everything up to an id when it asked the client to reload.
    /// Ids, not a high-water mark: with several instances a lower id can commit after a higher one, and its live
    /// "stored" message must still go out.
    /// </summary>
    private sealed record CaughtUp(long ReloadedUpTo, HashSet<long>? Sent)
    {
        public static readonly CaughtUp Nothing = new(long.MinValue, null);

        public bool Covers(long id) => id <= ReloadedUpTo || (Sent?.Contains(id) ?? false);
    }

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
