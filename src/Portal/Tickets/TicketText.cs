using MudBlazor;
using Portal.Data.Entities;

namespace Portal.Tickets;

/// <summary>How ticket values read and look on the pages.</summary>
internal static class TicketText
{
    public static string Status(TicketStatus status) => status switch
    {
        TicketStatus.InProgress => "In progress",
        _ => status.ToString(),
    };

    public static Color StatusColor(TicketStatus status) => status switch
    {
        TicketStatus.Resolved => Color.Success,
        TicketStatus.InProgress => Color.Info,
        TicketStatus.Ignored => Color.Default,
        _ => Color.Warning,
    };
}
