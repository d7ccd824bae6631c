namespace Portal.Tickets;

internal static class TicketsRegistration
{
    /// <summary>Tickets, their links to Sentry issues, and the people who can be assigned them.</summary>
    public static IHostApplicationBuilder AddTickets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TicketService>();
        builder.Services.AddSingleton<TicketDirectory>();
        return builder;
    }
}
