using Microsoft.Extensions.DependencyInjection;
using Portal.AlertRuleActions;
using Portal.Tickets;

namespace Portal.Tests.TestSupport;

/// <summary>The real ticket services, on the component tests' real SQLite database.</summary>
internal static class TicketServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<TicketWriter>();
        services.AddSingleton<OrganizationPeople>();
        services.AddSingleton<TicketLinking>();
        services.AddSingleton<TicketEdits>();
        services.AddSingleton<SentryMirror>();
        services.AddSingleton<AlertTickets>();
    }
}
