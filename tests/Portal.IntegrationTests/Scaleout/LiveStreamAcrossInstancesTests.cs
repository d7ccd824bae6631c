using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Portal.IntegrationTests.TestSupport;
using Portal.Realtime;

namespace Portal.IntegrationTests.Scaleout;

/// <summary>
/// Two instances of the portal on one database, joined by one real redis-server: what one stores reaches the other's
/// hub clients and Blazor subscribers exactly once, a client that comes back to either instance is caught up from
/// the database, and Redis going away slows no acknowledgement.
/// </summary>
public sealed class LiveStreamAcrossInstancesTests : IAsyncLifetime
{
    private RedisServer redis = null!;
    private PortalInstance a = null!;
    private PortalInstance b = null!;

    public async ValueTask InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        var prefix = $"portal-{Guid.NewGuid():N}";
        a = await PortalInstance.StartAsync(redis, prefix);
        b = await PortalInstance.StartAsync(redis, prefix, a.Factory);
    }

    public async ValueTask DisposeAsync()
    {
        await b.DisposeAsync();
        await a.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task Each_delivery_acknowledged_by_one_instance_reaches_the_others_hub_clients_and_subscribers_once_and_its_own_clients_once()
    {
        var atB = new ConcurrentQueue<DeliverySummary>();
        var atA = new ConcurrentQueue<DeliverySummary>();
        await b.ConnectHubAsync(atB.Enqueue);
        await a.ConnectHubAsync(atA.Enqueue);
        using var pageAtB = b.Get<DeliveryPublisher>().Subscribe();
        await WhenBothSubscribedAsync();

        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            var (status, id) = await a.SendAsync("issue", Body($"92{i:D7}"));
            Assert.Equal(HttpStatusCode.Accepted, status);
            ids.Add(id!.Value);
        }

        await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => atB.Any(s => s.Id == id && s.Kind == DeliverySummaryKind.Stored))), "every stored delivery at B's hub client");
        var seenByPage = await ReadStoredAsync(pageAtB, ids.Count);
        await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => atB.Any(s => s.Id == id && s.State == Portal.Data.Entities.DeliveryState.Processed))), "every processed delivery at B's hub client");
        Assert.Equal(ids, StoredIds(atB));
        Assert.Equal(ids, StoredIds(atA));
        Assert.Equal(ids, seenByPage);
    }

    [Fact]
    public async Task While_Redis_is_down_every_delivery_is_acknowledged_and_stored_and_the_stream_resumes_when_it_is_back()
    {
        var atB = new ConcurrentQueue<DeliverySummary>();
        await b.ConnectHubAsync(atB.Enqueue);
        using var pageAtB = b.Get<DeliveryPublisher>().Subscribe(capacity: 1024);
        await WhenBothSubscribedAsync();

        // B has heard from A before: a gap in A's numbering can show.
        var beforeOutage = await SendManyAsync(a, "98", 1);
        await Eventually.TrueAsync(() => Task.FromResult(StoredIds(atB).Contains(beforeOutage[0])), "a delivery before the outage at B's hub client");

        await redis.StopAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!a.Instances.IsConnected && !b.Instances.IsConnected), "both instances to notice Redis is gone");
        var duringOutage = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            var (status, id) = await a.SendAsync("issue", Body($"93{i:D7}"));
            Assert.Equal(HttpStatusCode.Accepted, status);
            duringOutage.Add(id!.Value);
        }

        await Eventually.TrueAsync(() => Task.FromResult(a.Get<DeliveryPublisher>().DroppedForOtherInstances >= duringOutage.Count), "A to count what it could not send");
        await Eventually.TrueAsync(() => Task.FromResult(a.Factory.Logs.Lines.Any(m => m.Contains("were dropped", StringComparison.Ordinal))), "A to log what it dropped");

        await redis.RestartAsync();
        await WhenBothSubscribedAsync(TimeSpan.FromSeconds(30));
        var afterOutage = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var (status, id) = await a.SendAsync("issue", Body($"94{i:D7}"));
            Assert.Equal(HttpStatusCode.Accepted, status);
            afterOutage.Add(id!.Value);
        }

        // What A sent meanwhile never reached B: B's hub client is caught up from the database (as Backfill), its
        // pages are told of the gap and fill it the same way.
        await Eventually.TrueAsync(
            () => Task.FromResult(duringOutage.Concat(afterOutage).All(id => atB.Any(s => s.Id == id && s.Kind is DeliverySummaryKind.Stored or DeliverySummaryKind.Backfill))),
            "every delivery during and after the outage at B's hub client", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(StoredIds(atB), duringOutage.Contains);
        Assert.True(pageAtB.TakeDropped() >= duringOutage.Count, "B's subscriber is told it missed A's summaries");
    }

    [Fact]
    public async Task A_hub_client_that_comes_back_to_the_other_instance_is_caught_up_from_the_database()
    {
        var seen = new ConcurrentQueue<DeliverySummary>();
        var atA = await a.ConnectHubAsync(seen.Enqueue);
        var before = await SendManyAsync(a, "95", 3);
        await Eventually.TrueAsync(() => Task.FromResult(before.All(StoredIds(seen).Contains)), "the first deliveries at A's hub client");
        await atA.DisposeAsync();

        var whileAway = await SendManyAsync(a, "96", 3);
        var caughtUp = new ConcurrentQueue<DeliverySummary>();
        await b.ConnectHubAsync(caughtUp.Enqueue, afterId: before[^1]);
        await WhenBothSubscribedAsync();

        await Eventually.TrueAsync(() => Task.FromResult(BackfilledIds(caughtUp).Count >= whileAway.Count), "B to catch the client up");
        Assert.Equal(whileAway, BackfilledIds(caughtUp));

        // Sent once the catch-up is done, so they come live.
        var after = await SendManyAsync(a, "97", 2);
        await Eventually.TrueAsync(() => Task.FromResult(after.All(StoredIds(caughtUp).Contains)), "the later deliveries at B, live");
        Assert.Equal(after, StoredIds(caughtUp));
    }

    private static async Task<List<long>> SendManyAsync(PortalInstance instance, string prefix, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var (status, id) = await instance.SendAsync("issue", Body($"{prefix}{i:D7}"));
            Assert.Equal(HttpStatusCode.Accepted, status);
            ids.Add(id!.Value);
        }

        return ids;
    }

    [Fact]
    public void Only_the_deliveries_hub_is_on_the_Redis_backplane_Blazor_circuits_stay_in_process()
    {
        var circuits = Type.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub, Microsoft.AspNetCore.Components.Server", throwOnError: true)!;

        var deliveries = b.Factory.Services.GetRequiredService<HubLifetimeManager<DeliveriesHub>>();
        var blazor = b.Factory.Services.GetRequiredService(typeof(HubLifetimeManager<>).MakeGenericType(circuits));

        Assert.IsType<RedisHubLifetimeManager<DeliveriesHub>>(deliveries);
        Assert.Equal(typeof(DefaultHubLifetimeManager<>).MakeGenericType(circuits), blazor.GetType());
    }

    private static byte[] Body(string marker) => SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), marker);

    private static List<long> BackfilledIds(IEnumerable<DeliverySummary> received) =>
        [.. received.Where(s => s.Kind == DeliverySummaryKind.Backfill).Select(s => s.Id)];

    private static List<long> StoredIds(IEnumerable<DeliverySummary> received) =>
        [.. received.Where(s => s.Kind == DeliverySummaryKind.Stored).Select(s => s.Id)];

    private static async Task<List<long>> ReadStoredAsync(DeliverySubscription subscription, int count)
    {
        var stored = new List<long>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (stored.Count < count)
        {
            var summary = await subscription.Reader.ReadAsync(timeout.Token);
            if (summary.Kind == DeliverySummaryKind.Stored)
            {
                stored.Add(summary.Id);
            }
        }

        // Anything more that was already there would be a second copy.
        while (subscription.Reader.TryRead(out var more))
        {
            if (more.Kind == DeliverySummaryKind.Stored)
            {
                stored.Add(more.Id);
            }
        }

        return stored;
    }

    // The channels subscribe in the background after the start; a message sent before would not be heard.
    private async Task WhenBothSubscribedAsync(TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => Task.FromResult(a.Instances.IsConnected && b.Instances.IsConnected), "both instances connected to Redis", timeout);
        await Eventually.TrueAsync(async () => await SubscribersAsync() >= 2, "both instances subscribed to the deliveries channel", timeout);
    }

    private async Task<long> SubscribersAsync()
    {
        using var probe = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var result = await probe.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", $"{a.Instances.ChannelPrefix}:{DeliveryPublisher.ChannelName}");
        return (long)((StackExchange.Redis.RedisResult[])result!)[1];
    }
}
