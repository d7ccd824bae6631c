using Microsoft.Extensions.DependencyInjection;
using Portal.Dashboard;
using Portal.Webhooks;

namespace Portal.Tests.TestSupport;

/// <summary>The real services behind the delivery detail and diff pages (the writer is not started: replay is tested on the host).</summary>
internal static class DeliveryPageServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<IDeliveryStore, SqliteDeliveryStore>();
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<AcknowledgementLatencies>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<DeliveryWriter>();
        services.AddSingleton<DeliveryDetails>();
    }
}
