namespace Portal.Data;

/// <summary>Lengths the storage enforces and the forms and endpoints check first, so a user hears why.</summary>
public static class Limits
{
    public const int TicketTitle = 255;
    public const int TicketDescription = 20_000;
    public const int CommentText = 10_000;
    public const int MappingRoot = 500;
    public const int UrlTemplate = 1_000;
}
