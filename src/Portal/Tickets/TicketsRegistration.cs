namespace Portal.Tickets;

internal static class TicketsRegistration
{
    /// <summary>Tickets, their links to Sentry issues, two-way sync with those issues, and the people who can be assigned them.</summary>
    public static IHostApplicationBuilder AddTickets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TicketService>();
        builder.Services.AddSingleton<TicketDirectory>();
        builder.Services.AddSingleton<IssueSync>();
        builder.Services.AddSingleton<Portal.Webhooks.IWebhookHandler, IssueWebhookHandler>();
        builder.Services.AddSingleton<Portal.Webhooks.IWebhookHandler, CommentWebhookHandler>();
        builder.Services.AddSingleton<Portal.Webhooks.IWebhookHandler, Portal.AlertRuleActions.EventAlertWebhookHandler>();
        builder.Services.AddSingleton<Portal.Webhooks.IWebhookHandler, Portal.AlertRuleActions.MetricAlertWebhookHandler>();
        return builder;
    }
}
