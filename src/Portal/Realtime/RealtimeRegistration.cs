namespace Portal.Realtime;

internal static class RealtimeRegistration
{
    /// <summary>The live stream (in process) and the SignalR hub that relays it to other processes.</summary>
    public static IHostApplicationBuilder AddRealtime(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryPublisher>();
        builder.Services.AddSingleton<DeliveryHistory>();
        builder.Services.AddSingleton<HubFeeds>();
        builder.Services.AddSignalR(options => options.MaximumReceiveMessageSize = 32 * 1024);
        return builder;
    }

    /// <summary>
    /// <c>/hubs/deliveries</c>. Until sign-in exists it is served only in Development; elsewhere it answers 404
    /// (design.md §5).
    /// </summary>
    public static WebApplication MapRealtimeEndpoints(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapHub<DeliveriesHub>("/hubs/deliveries");
        }

        return app;
    }
}
