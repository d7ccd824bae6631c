using Portal.Data;

namespace Portal.Webhooks;

internal static class WebhooksRegistration
{
    /// <summary>Intake, the single writer, the processor and one handler per resource.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddSingleton<WorkSignal>();
        builder.Services.AddSingleton<WarningThrottle>();
        builder.Services.AddSingleton(CreateStore);
        builder.Services.AddSingleton<DeliveryWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryWriter>());
        builder.Services.AddSingleton<DeliveryIntake>();
        builder.Services.AddSingleton<AcknowledgementLatencies>();

        builder.Services.AddSingleton<IWebhookHandler, InstallationWebhookHandler>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddSingleton<DeliveryAnomalies>();
        builder.Services.AddSingleton<ProcessingPass>();
        builder.Services.AddSingleton<DeliveryMending>();
        builder.Services.AddSingleton(ProcessingPace.From(builder.Configuration));
        builder.Services.AddSingleton<DeliveryClaims>();
        builder.Services.AddSingleton<DeliveryProcessor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryProcessor>());

        // SIGTERM: finish in-flight requests, flush the writer, stop the processor between items, exit within 10 s (D6).
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
            options.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10));
        return builder;
    }

    /// <summary>The writer's store for the configured database.</summary>
    internal static IDeliveryStore CreateStore(IServiceProvider services)
    {
        var settings = services.GetRequiredService<PortalDataSettings>();
        return settings.IsPostgres ? new PostgresDeliveryStore(settings) : new SqliteDeliveryStore(settings);
    }
}
