using Portal.Webhooks;

namespace Portal.AlertRuleActions;

internal static class AlertRuleActionsRegistration
{
    /// <summary>Alert rules' "Create Portal ticket": the tickets they keep and the handlers of the alerts that fire them.</summary>
    public static IHostApplicationBuilder AddAlertRuleActions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AlertTickets>();
        builder.Services.AddSingleton<IWebhookHandler, EventAlertWebhookHandler>();
        builder.Services.AddSingleton<IWebhookHandler, MetricAlertWebhookHandler>();
        return builder;
    }
}
