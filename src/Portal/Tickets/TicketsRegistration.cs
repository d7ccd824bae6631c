using Portal.SignIn;
using Portal.Webhooks;

namespace Portal.Tickets;

internal static class TicketsRegistration
{
    /// <summary>Tickets, their links to Sentry issues, two-way sync with those issues, and the people who can be assigned them.</summary>
    public static IHostApplicationBuilder AddTickets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TicketWriter>();
        builder.Services.AddSingleton<OrganizationPeople>();
        builder.Services.AddSingleton<ISignInListener>(services => services.GetRequiredService<OrganizationPeople>());
        builder.Services.AddSingleton<TicketLinking>();
        builder.Services.AddSingleton<TicketEdits>();
        builder.Services.AddSingleton<SentryMirror>();
        builder.Services.AddSingleton<TicketDirectory>();
        builder.Services.AddSingleton<IssueSync>();
        builder.Services.AddSingleton<IWebhookHandler, IssueWebhookHandler>();
        builder.Services.AddSingleton<IWebhookHandler, CommentWebhookHandler>();
        return builder;
    }
}
