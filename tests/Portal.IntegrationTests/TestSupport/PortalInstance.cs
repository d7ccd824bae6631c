using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Realtime;
using Portal.Scaleout;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// One instance of the portal in a multi-instance test: the real host on its own loopback port, a signed-in client
/// (the local developer, an operator) and real SignalR connections to its hub.
/// </summary>
internal sealed class PortalInstance : IAsyncDisposable
{
    private readonly List<HubConnection> connections = [];
    private readonly CookieContainer cookies = new();

    private PortalInstance(PortalFactory factory) => Factory = factory;

    public PortalFactory Factory { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Starts an instance; <paramref name="redis"/> and <paramref name="first"/>'s database and key ring (the first
    /// instance, which must be disposed after this one) are shared with its siblings.
    /// </summary>
    public static async Task<PortalInstance> StartAsync(
        RedisServer? redis, string channelPrefix, PortalFactory? first = null, IDictionary<string, string?>? settings = null,
        Portal.Data.DatabaseProvider? provider = null, Action<IServiceCollection>? services = null)
    {
        var factory = first is null ? new PortalFactory(provider) : new PortalFactory(first);
        factory.TestServices = services;
        factory.Settings["Portal:Scaleout:ChannelPrefix"] = channelPrefix;
        if (redis is not null)
        {
            factory.Settings["ConnectionStrings:Redis"] = redis.ConnectionString;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            factory.Settings[key] = value;
        }

        var instance = new PortalInstance(factory);
        instance.BaseAddress = factory.StartOnLoopback();
        instance.Client = new HttpClient(new HttpClientHandler { CookieContainer = instance.cookies }) { BaseAddress = instance.BaseAddress };
        await LocalSignIn.SignInAsync(instance.Client, Cancel);
        return instance;
    }

    public T Get<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public InstanceMessages Instances => Get<InstanceMessages>();

    /// <summary>A hub connection over WebSockets that has subscribed (after <paramref name="afterId"/> when given).</summary>
    public async Task<HubConnection> ConnectHubAsync(Action<DeliverySummary> onDelivery, long? afterId = null)
    {
        var cookie = cookies.GetCookieHeader(BaseAddress);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "/hubs/deliveries"), options =>
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

    /// <summary>Posts a signed delivery; returns the status and the stored row's id (null when nothing was stored).</summary>
    public async Task<(HttpStatusCode Status, long? Id)> SendAsync(string resource, byte[] body)
    {
        using var response = await Client.SendAsync(SignedRequests.Webhook(resource, body), Cancel);
        return (response.StatusCode, (await Factory.FindDeliveryAsync(body))?.Id);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        Client?.Dispose();
        await Factory.DisposeAsync();
    }
}
