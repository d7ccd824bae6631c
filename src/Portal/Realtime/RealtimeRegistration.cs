using System.Text.Json.Serialization;

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
        return builder;
    }

    /// <summary><c>/hubs/deliveries</c>, behind sign-in like every admin endpoint; each connection sees its person's organizations.</summary>
    public static WebApplication MapRealtimeEndpoints(this WebApplication app)
    {
        // A hub client reads status codes, not pages.
        app.MapHub<DeliveriesHub>("/hubs/deliveries").WithMetadata(new Microsoft.AspNetCore.Mvc.SkipStatusCodePagesAttribute());
        return app;
    }
}
