using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Webhooks;

namespace Portal.IntegrationTests.Scaleout;

/// <summary>
/// Two instances on one PostgreSQL database (issue 13): Sentry's retries land on either, and each delivery is stored
/// once and handled exactly once, whichever instance takes it; an instance that dies mid-claim leaves its deliveries
/// to the other once the claim lapses.
/// </summary>
public sealed class ProcessingAcrossInstancesTests : PostgresOnlyTest
{
    private const string Lease = "00:00:03";
    private readonly CountingHandler handler = new();
    private PortalInstance a = null!;
    private PortalInstance b = null!;

    protected override async Task StartAsync()
    {
        var prefix = $"portal-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?> { [ProcessingPace.ClaimLeaseKey] = Lease };
        a = await PortalInstance.StartAsync(null, prefix, settings: settings, provider: DatabaseProvider.Postgres, services: Count("a"));
        b = await PortalInstance.StartAsync(null, prefix, a.Factory, settings, services: Count("b"));
    }

    protected override async Task StopAsync()
    {
        if (b is not null)
        {
            await b.DisposeAsync();
        }

        if (a is not null)
        {
            await a.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_delivery_sent_to_both_instances_is_stored_once_and_handled_exactly_once()
    {
        const int Deliveries = 300;
        var bodies = Enumerable.Range(0, Deliveries).Select(i => Body($"71{i:D7}")).ToList();

        // Each delivery goes to both instances at once, as Sentry's retry of a slow answer may.
        var answers = await Task.WhenAll(bodies.Select(async body =>
        {
            var toA = a.Client.SendAsync(SignedRequests.Webhook("error", body), TestContext.Current.CancellationToken);
            var toB = b.Client.SendAsync(SignedRequests.Webhook("error", body), TestContext.Current.CancellationToken);
            using var first = await toA;
            using var second = await toB;
            return new[] { first.StatusCode, second.StatusCode };
        }));

        Assert.All(answers, pair => Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Accepted], pair.Order()));
        await Eventually.TrueAsync(async () => await CountAsync(DeliveryState.Processed) == Deliveries, "every delivery processed", TimeSpan.FromSeconds(60));
        await using var db = a.Factory.Database.Open();
        var stored = await db.WebhookDeliveries.Select(d => d.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Deliveries, stored.Count);
        Assert.Equal(stored.Order(), handler.Handled.Keys.Order());
        Assert.All(handler.Handled, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0, await db.WebhookDeliveries.CountAsync(d => d.ClaimedBy != null, TestContext.Current.CancellationToken));
        Assert.Equal(["a", "b"], handler.Instances.Keys.Order());
    }

    [Fact]
    public async Task Deliveries_claimed_by_an_instance_that_died_wait_for_its_lease_then_the_others_take_them()
    {
        // What a killed instance leaves behind: due deliveries claimed under a name that will never renew or release.
        var (_, id) = await a.SendAsync("error", Body("7200000001"));
        await Eventually.TrueAsync(async () => await CountAsync(DeliveryState.Processed) == 1, "the first delivery processed");
        handler.Handled.Clear();
        var orphaned = await StoreClaimedByTheDeadAsync(TimeSpan.FromSeconds(3), 5);

        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.Empty(handler.Handled);
        await Eventually.TrueAsync(async () => await CountAsync(DeliveryState.Processed) == 6, "the dead instance's deliveries processed", TimeSpan.FromSeconds(20));

        Assert.Equal(orphaned.Order(), handler.Handled.Keys.Order());
        Assert.All(handler.Handled, pair => Assert.Equal(1, pair.Value));
        Assert.NotNull(id);
    }

    private Action<IServiceCollection> Count(string instance) =>
        services => services.AddSingleton<IWebhookHandler>(new InstanceHandler(handler, instance));

    private async Task<List<long>> StoreClaimedByTheDeadAsync(TimeSpan leaseLeft, int count)
    {
        await using var db = a.Factory.Database.Open();
        var now = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var body = Body($"73{i:D7}");
            return new WebhookDelivery
            {
                RequestId = Guid.NewGuid().ToString(),
                BodySha256 = System.Security.Cryptography.SHA256.HashData(body),
                Resource = "error",
                Action = "created",
                ReceivedAt = now,
                Body = body,
                State = DeliveryState.Pending,
                NextAttemptAt = now,
                ClaimedBy = "dead-instance:0badf00d",
                ClaimedUntil = now + leaseLeft,
            };
        }).ToList();
        db.WebhookDeliveries.AddRange(rows);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return [.. rows.Select(r => r.Id)];
    }

    private async Task<int> CountAsync(DeliveryState state)
    {
        await using var db = a.Factory.Database.Open();
        return await db.WebhookDeliveries.CountAsync(d => d.State == state);
    }

    private static byte[] Body(string marker) => SignedRequests.Unique(SampleDeliveries.Named("webhook.error.created.json"), marker);

    /// <summary>Stands for a handler's effect (a ticket update): how often each delivery was handled, and by which instance.</summary>
    private sealed class InstanceHandler(CountingHandler counter, string instance) : IWebhookHandler
    {
        public string Resource => "error";

        public Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken) =>
            counter.HandleAsync(instance, webhook, cancellationToken);
    }

    private sealed class CountingHandler
    {
        public ConcurrentDictionary<long, int> Handled { get; } = new();

        public ConcurrentDictionary<string, bool> Instances { get; } = new();

        public async Task<HandlerOutcome> HandleAsync(string instance, WebhookEvent webhook, CancellationToken cancellationToken)
        {
            Instances[instance] = true;
            Handled.AddOrUpdate(webhook.Delivery.Id, 1, (_, count) => count + 1);
            // A handler's round trip to Sentry: long enough for both instances' passes to overlap.
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            return HandlerOutcome.Done;
        }
    }
}
