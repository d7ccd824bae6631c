using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Portal.Scaleout;
using StackExchange.Redis;

namespace Portal.Realtime;

internal static class RealtimeRegistration
{
    /// <summary>The live stream (in process) and the SignalR hub that relays it to other processes.</summary>
    public static IHostApplicationBuilder AddRealtime(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryPublisher>();
        builder.Services.AddSingleton<DeliveryHistory>();
        builder.Services.AddSingleton<HubFeeds>();
        builder.Services.AddSingleton<RealtimeMetrics>();
        // Clients in other processes read a state as its name ("Processed"), as they always have; never as a number.
        builder.Services.AddSignalR(options => options.MaximumReceiveMessageSize = 32 * 1024)
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        if (builder.Configuration.RedisConfiguration() is { } redis)
        {
            AddRedisBackplane(builder.Services, redis);
        }

        return builder;
    }

    /// <summary><c>/hubs/deliveries</c>, behind sign-in like every admin endpoint; each connection sees its person's organizations.</summary>
    public static WebApplication MapRealtimeEndpoints(this WebApplication app)
    {
        // A hub client reads status codes, not pages.
        app.MapHub<DeliveriesHub>("/hubs/deliveries").WithMetadata(new Microsoft.AspNetCore.Mvc.SkipStatusCodePagesAttribute());
        return app;
    }

    // SignalR's Redis backplane, for the deliveries hub only: what is sent to a connection, a group or everyone
    // reaches it on whichever instance holds it. Not AddStackExchangeRedis, which would put every hub on Redis —
    // Blazor's circuits too, which then could not connect while Redis is down, and gain nothing from it: a circuit
    // lives on one instance (sticky sessions). The deliveries themselves cross instances on DeliveryPublisher's channel.
    private static void AddRedisBackplane(IServiceCollection services, ConfigurationOptions redis)
    {
        services.AddSingleton<HubLifetimeManager<DeliveriesHub>, RedisHubLifetimeManager<DeliveriesHub>>();
        services.AddOptions<RedisOptions>().Configure<IOptions<ScaleoutOptions>>((options, scaleout) =>
        {
            options.Configuration = redis.Clone();
            options.Configuration.ChannelPrefix = RedisChannel.Literal(scaleout.Value.ChannelPrefix);
        });
    }
}
