namespace Portal.Dashboard;

internal static class DashboardRegistration
{
    /// <summary>The services behind the dashboard's pages.</summary>
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryDetails>();
        builder.Services.AddSingleton<DeliveryStatistics>();
        return builder;
    }
}
