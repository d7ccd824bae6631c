using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Realtime;

namespace Portal.IntegrationTests.Realtime;

/// <summary>Real SignalR clients over WebSockets against the real host on a loopback Kestrel port.</summary>
public sealed class DeliveriesHubTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly List<HubConnection> connections = [];
    private string baseUrl = "";
    private HttpClient client = null!;
    private string cookie = "";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // A fixed, small socket send buffer (no loopback autotuning to megabytes), so a client that stops reading
        // backs up the server's sends after a few hundred messages, as it would over a real network.
        factory.TestServices = services => services.Configure<SocketTransportOptions>(options => options.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            socket.SendBufferSize = 8192;
            return socket;
        });
        factory.UseKestrel(0);
        factory.StartServer();
        baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var cookies = new System.Net.CookieContainer();
        client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(baseUrl) };

        // The hub is behind sign-in; the local developer (Development, no SignIn:*) is an operator.
        await LocalSignIn.SignInAsync(client, Cancel);
        cookie = cookies.GetCookieHeader(new Uri(baseUrl));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        client.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task A_subscribed_client_receives_a_delivery_when_it_is_stored_and_again_when_it_is_processed()
    {
        var received = new ConcurrentQueue<DeliverySummary>();
        await ConnectAsync(received.Enqueue, afterId: null);
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "900000001");

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await factory.FindDeliveryAsync(body))!.Id;
        await Eventually.TrueAsync(() => Task.FromResult(received.Any(s => s.Id == id && s.State == DeliveryState.Processed)), "the processed message");
        var stored = received.First(s => s.Id == id);
        Assert.Equal((DeliverySummaryKind.Stored, "issue", "created", DeliveryState.Pending), (stored.Kind, stored.Resource, stored.Action, stored.State));
        Assert.Contains("FRONT-END-9", received.Last(s => s.Id == id).Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_in_another_process_reads_each_state_by_its_name_not_its_number()
    {
        var received = new ConcurrentQueue<JsonElement>();
        await ConnectAsync<JsonElement>(received.Enqueue, afterId: null);
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "900000003");

        await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        var id = (await factory.FindDeliveryAsync(body))!.Id;
        await Eventually.TrueAsync(() => Task.FromResult(StatesOf(id).Contains("Processed")), "the processed message");
        Assert.Equal("Pending", StatesOf(id)[0]);
        Assert.All(received, message => Assert.Equal(JsonValueKind.String, message.GetProperty("state").ValueKind));

        List<string?> StatesOf(long delivery) =>
            [.. received.Where(m => m.GetProperty("id").GetInt64() == delivery && m.GetProperty("state").ValueKind == JsonValueKind.String).Select(m => m.GetProperty("state").GetString())];
    }

    [Fact]
    public async Task A_client_that_reconnects_with_its_last_id_gets_exactly_the_deliveries_it_missed()
    {
        var first = SignedRequests.Unique(SampleDeliveries.Named("webhook.comment.created.json"), "900000002");
        await client.SendAsync(SignedRequests.Webhook("comment", first), Cancel);
        var lastSeen = (await factory.FindDeliveryAsync(first))!.Id;
        var missed = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.comment.updated.json"), $"90000010{i}");
            await client.SendAsync(SignedRequests.Webhook("comment", body), Cancel);
            missed.Add((await factory.ProcessedDeliveryAsync(body)).Id);
        }

        // Everything is processed before the client comes back, so no later state change of an old delivery
        // (news it would rightly be sent) can blur what the catch-up itself sent.
        await factory.ProcessedDeliveryAsync(first);
        var received = new ConcurrentQueue<DeliverySummary>();
        await ConnectAsync(received.Enqueue, afterId: lastSeen);

        await Eventually.TrueAsync(() => Task.FromResult(missed.All(id => received.Any(s => s.Id == id))), "the missed deliveries");
        Assert.Equal(missed, received.Where(s => s.Kind == DeliverySummaryKind.Backfill).Select(s => s.Id).Where(missed.Contains).ToList());
        Assert.DoesNotContain(received, s => s.Id <= lastSeen);
    }

    [Fact]
    public async Task A_delivery_another_instance_commits_late_under_a_lower_id_still_reaches_a_client_caught_up_past_it()
    {
        // With several instances ids are taken before commit, so a lower id can commit after a higher one: here the
        // client's catch-up sends the row at +10, and only then does the row at +5 commit and its "stored" arrive.
        var first = SignedRequests.Unique(SampleDeliveries.Named("webhook.comment.created.json"), "900000201");
        await client.SendAsync(SignedRequests.Webhook("comment", first), Cancel);
        var lastSeen = (await factory.ProcessedDeliveryAsync(first)).Id;
        await InsertAsync(lastSeen + 10);
        var received = new ConcurrentQueue<DeliverySummary>();
        await ConnectAsync(received.Enqueue, afterId: lastSeen);
        await Eventually.TrueAsync(() => Task.FromResult(received.Any(s => s.Id == lastSeen + 10)), "the catch-up");

        var late = await InsertAsync(lastSeen + 5);
        factory.Services.GetRequiredService<DeliveryPublisher>().Publish(DeliverySummary.From(late, DeliverySummaryKind.Stored, DateTimeOffset.UtcNow, null));

        await Eventually.TrueAsync(() => Task.FromResult(received.Any(s => s.Id == lastSeen + 5)), "the late delivery's stored message");
        Assert.Equal(DeliverySummaryKind.Stored, received.Single(s => s.Id == lastSeen + 5).Kind);
        Assert.Single(received, s => s.Id == lastSeen + 10);
    }

    [Fact]
    public async Task Connected_clients_are_counted_while_they_stay_connected()
    {
        using var metrics = new MetricRecorder(factory.Services);
        var first = await ConnectAsync(_ => { }, afterId: null);
        await ConnectAsync(_ => { }, afterId: null);
        Assert.Equal(2, metrics["portal.hub.clients"]);

        await first.StopAsync(Cancel);

        await Eventually.TrueAsync(() => Task.FromResult(metrics["portal.hub.clients"] == 1), "one client counted after the other left");
    }

    [Fact]
    public async Task A_frozen_client_is_dropped_while_healthy_clients_receive_every_delivery_and_every_delivery_is_acknowledged()
    {
        using var metrics = new MetricRecorder(factory.Services);
        var healthy = Enumerable.Range(0, 3).Select(_ => new ConcurrentDictionary<long, bool>()).ToArray();
        foreach (var seen in healthy)
        {
            await ConnectAsync(s => seen[s.Id] = true, afterId: null);
        }

        await using var frozen = await FrozenHubClient.ConnectAsync(new Uri(baseUrl), cookie, Cancel);

        // Enough messages to fill the frozen client's small buffers, the sockets between and the server's pipe.
        var ids = new ConcurrentBag<long>();
        using var senders = new SemaphoreSlim(32);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 2000).Select(async i =>
        {
            await senders.WaitAsync(Cancel);
            try
            {
                var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), $"91{i:D7}");
                var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);
                ids.Add((await factory.FindDeliveryAsync(body))!.Id);
                return response.StatusCode;
            }
            finally
            {
                senders.Release();
            }
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Accepted, status));
        foreach (var seen in healthy)
        {
            await Eventually.TrueAsync(() => Task.FromResult(ids.All(seen.ContainsKey)), "every delivery at every healthy client", TimeSpan.FromSeconds(30));
        }

        Assert.True(await frozen.WaitForServerCloseAsync(TimeSpan.FromSeconds(30)), $"the frozen client was not disconnected ({frozen.BytesRead} bytes read)");
        Assert.Equal(1, metrics["portal.hub.clients_dropped{reason=too_slow}"]);
    }

    // A row as another instance's writer commits it, under the id given; already processed, so this host leaves it be.
    private async Task<WebhookDelivery> InsertAsync(long id)
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.comment.created.json"), $"9003{id:D5}");
        var delivery = new WebhookDelivery
        {
            Id = id,
            RequestId = Guid.NewGuid().ToString(),
            BodySha256 = System.Security.Cryptography.SHA256.HashData(body),
            Resource = "comment",
            Action = "created",
            ReceivedAt = DateTimeOffset.UtcNow,
            NextAttemptAt = DateTimeOffset.UtcNow,
            Body = body,
            State = DeliveryState.Processed,
        };
        await using var db = factory.Database.Open();
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(Cancel);
        return delivery;
    }

    private Task<HubConnection> ConnectAsync(Action<DeliverySummary> onDelivery, long? afterId) => ConnectAsync<DeliverySummary>(onDelivery, afterId);

    private async Task<HubConnection> ConnectAsync<TMessage>(Action<TMessage> onDelivery, long? afterId)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(baseUrl), "/hubs/deliveries"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.Headers["Cookie"] = cookie;
            })
            .Build();
        connection.On(DeliveriesHub.DeliveryMethod, onDelivery);
        connections.Add(connection);
        await connection.StartAsync(Cancel);
        await connection.InvokeAsync(nameof(DeliveriesHub.Subscribe), afterId, Cancel);
        return connection;
    }
}
