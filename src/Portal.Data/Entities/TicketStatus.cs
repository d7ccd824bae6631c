namespace Portal.Data.Entities;

/// <summary>A ticket's status (design.md §4). Stored as its number; append new values only.</summary>
public enum TicketStatus
{
    Open = 0,
    InProgress = 1,
    Resolved = 2,
    Ignored = 3,
}
