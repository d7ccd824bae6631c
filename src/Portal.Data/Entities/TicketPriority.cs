namespace Portal.Data.Entities;

/// <summary>A ticket's priority, the same three words Sentry uses for an issue's priority.</summary>
public enum TicketPriority
{
    Low = 0,
    Medium = 1,
    High = 2,
}
