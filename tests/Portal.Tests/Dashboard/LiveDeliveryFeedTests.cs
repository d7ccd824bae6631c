using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Portal.Dashboard;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tenancy;

namespace Portal.Tests.Dashboard;

/// <summary>
/// The feed on its own: the real publisher, the real history on a temp-file SQLite database, and a fake clock, so
/// each render can be awaited and the throttle is measured in the clock's time rather than the machine's.
/// </summary>
public sealed class LiveDeliveryFeedTests : IAsyncLifetime
{
    private const long Acme = 42;
    private const long Globex = 43;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TestDatabase database = TestDatabase.Create();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly DeliveryPublisher publisher = new();
    private readonly Channel<Render> renders = Channel.CreateUnbounded<Render>();
    private readonly CancellationTokenSource closing = new();
    private readonly PooledDbContextFactory<PortalDbContext> databases;
    private readonly LiveDeliveryFeed feed;
    private Task following = Task.CompletedTask;

    public LiveDeliveryFeedTests()
    {
        databases = new(database.Settings.Options());
        feed = new LiveDeliveryFeed(publisher, new DeliveryHistory(databases, time), time);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await database.MigrateAsync();
        await using var db = await databases.CreateDbContextAsync(Cancel);
        db.Organizations.AddRange(
            new Organization { Id = Acme, Slug = "acme", SlugSeenAt = time.GetUtcNow() },
            new Organization { Id = Globex, Slug = "globex", SlugSeenAt = time.GetUtcNow() });
        await db.SaveChangesAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        await following;
        closing.Dispose();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_published_delivery_is_shown_once_the_feed_is_live()
    {
        await FollowAsync(AccessScope.Everything);

        publisher.Publish(Summary(1, Acme, DeliveryState.Pending));

        Assert.Equal([1], (await NextRenderAsync()).Ids);
        Assert.True(feed.IsLive);
    }

    [Fact]
    public async Task Following_started_before_the_first_page_is_read_waits_for_it_and_keeps_what_the_stream_brings_after()
    {
        // A page's first render (and so its follow loop) comes before its first read completes on an asynchronous
        // database; the list the first read fills must not replace what the stream added.
        var stored = await StoreAsync(Acme, DeliveryState.Pending, "stored before");
        following = feed.FollowAsync(RecordAsync, closing.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(50), Cancel);
        Assert.False(feed.IsLive);

        await feed.LoadAsync(AccessScope.Reading(Acme), Cancel);
        Assert.Equal([stored], (await NextRenderAsync()).Ids);
        publisher.Publish(Summary(stored + 1, Acme, DeliveryState.Pending));

        Assert.Equal([stored + 1, stored], (await NextRenderAsync()).Ids);
    }

    [Fact]
    public async Task A_delivery_stored_after_the_first_page_was_read_is_caught_up_when_following_starts()
    {
        await feed.LoadAsync(AccessScope.Everything, Cancel);
        var stored = await StoreAsync(Acme, DeliveryState.Processed, "stored meanwhile");

        following = feed.FollowAsync(RecordAsync, closing.Token);

        Assert.Equal([stored], (await NextRenderAsync()).Ids);
        Assert.True(feed.IsLive);
    }

    [Fact]
    public async Task A_subscription_that_dropped_messages_is_caught_up_from_the_database()
    {
        await FollowAsync(AccessScope.Everything);
        var first = await StoreAsync(Acme, DeliveryState.Processed, "first");
        publisher.Publish(Summary(first, Acme, DeliveryState.Processed));
        await NextRenderAsync();
        var stored = new List<long>();
        for (var i = 0; i < DeliveryPublisher.DefaultCapacity + 44; i++)
        {
            stored.Add(await StoreAsync(Acme, DeliveryState.Processed, $"stored {i}"));
        }

        foreach (var id in stored)
        {
            publisher.Publish(Summary(id, Acme, DeliveryState.Processed));
        }

        Assert.Equal(stored.Append(first).OrderDescending(), (await NextRenderAsync()).Ids);
    }

    [Fact]
    public async Task Only_deliveries_that_match_the_filter_within_the_scope_are_taken()
    {
        feed.Filter = new DeliveryFilter(State: DeliveryState.Retrying);
        await FollowAsync(AccessScope.Reading(Acme));

        publisher.Publish(Summary(1, Globex, DeliveryState.Retrying));
        publisher.Publish(Summary(2, null, DeliveryState.Retrying));
        publisher.Publish(Summary(3, Acme, DeliveryState.Processed));
        publisher.Publish(Summary(4, Acme, DeliveryState.Retrying));

        Assert.Equal([4], (await NextRenderAsync()).Ids);
    }

    [Fact]
    public async Task A_delivery_that_stops_matching_the_filter_leaves()
    {
        feed.Filter = new DeliveryFilter(State: DeliveryState.Pending);
        await FollowAsync(AccessScope.Everything);
        publisher.Publish(Summary(1, Acme, DeliveryState.Pending));
        publisher.Publish(Summary(2, Acme, DeliveryState.Pending));
        await NextRenderAsync();

        publisher.Publish(Summary(1, Acme, DeliveryState.Processed, DeliverySummaryKind.StateChanged));

        Assert.Equal([2], (await NextRenderAsync()).Ids);
    }

    [Fact]
    public async Task A_changed_filter_sorts_the_stream_from_the_next_message_on()
    {
        await FollowAsync(AccessScope.Everything);
        publisher.Publish(Summary(1, Acme, DeliveryState.Retrying));
        await NextRenderAsync();

        feed.Filter = new DeliveryFilter(State: DeliveryState.Retrying);
        await feed.ReloadAsync(Cancel);
        publisher.Publish(Summary(2, Acme, DeliveryState.Processed));
        publisher.Publish(Summary(3, Acme, DeliveryState.Retrying));

        Assert.Equal([3, 1], (await NextRenderAsync()).Ids);
    }

    [Fact]
    public async Task A_busy_stream_renders_at_most_once_per_render_interval_and_loses_nothing()
    {
        await FollowAsync(AccessScope.Everything);
        publisher.Publish(Summary(1, Acme, DeliveryState.Pending));
        var first = await NextRenderAsync();

        for (var id = 2; id <= 50; id++)
        {
            publisher.Publish(Summary(id, Acme, DeliveryState.Pending));
        }

        var second = await NextRenderAsync();
        Assert.True(second.At - first.At >= LiveDeliveryFeed.RenderInterval, $"rendered again after {second.At - first.At}");
        Assert.Equal(Enumerable.Range(1, 50).Reverse().Select(id => (long)id), second.Ids);
    }

    // Starts following and waits for the first render, which says the feed is live.
    private async Task FollowAsync(AccessScope scope)
    {
        await feed.LoadAsync(scope, Cancel);
        following = feed.FollowAsync(RecordAsync, closing.Token);
        await NextRenderAsync();
    }

    // Runs on the feed's loop, between its changes, so the snapshot is consistent.
    private Task RecordAsync()
    {
        renders.Writer.TryWrite(new Render(time.GetUtcNow(), [.. feed.Deliveries.Items.Select(d => d.Id)]));
        return Task.CompletedTask;
    }

    // The clock moves only while a render is awaited, a little at a time, so a throttled render comes as soon as
    // its interval has passed on the fake clock and never sooner.
    private async Task<Render> NextRenderAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (renders.Reader.TryRead(out var render))
            {
                return render;
            }

            var next = renders.Reader.WaitToReadAsync(Cancel).AsTask();
            if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(5), Cancel)) != next)
            {
                time.Advance(TimeSpan.FromMilliseconds(10));
            }
        }

        throw new TimeoutException("The feed did not render.");
    }

    private async Task<long> StoreAsync(long organization, DeliveryState state, string summary)
    {
        await using var db = await databases.CreateDbContextAsync(Cancel);
        var delivery = new WebhookDelivery
        {
            Body = [],
            BodySha256 = Guid.NewGuid().ToByteArray(),
            Resource = "issue",
            Action = "created",
            Summary = summary,
            State = state,
            ReceivedAt = time.GetUtcNow(),
            OrganizationId = organization,
        };
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(Cancel);
        return delivery.Id;
    }

    private static DeliverySummary Summary(long id, long? organization, DeliveryState state, DeliverySummaryKind kind = DeliverySummaryKind.Stored) =>
        new(id, kind, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "issue", "created", null, organization, null, [], state, 0, $"delivery {id}", null);

    private sealed record Render(DateTimeOffset At, IReadOnlyList<long> Ids);
}
