namespace Portal.Data;

/// <summary>Lengths the storage enforces and the forms and endpoints check first, so a user hears why.</summary>
public static class Limits
{
    public const int TicketTitle = 255;
    public const int TicketDescription = 20_000;
    public const int CommentText = 10_000;
    public const int MappingRoot = 500;
    public const int UrlTemplate = 1_000;
    public const int RuleName = 100;

    /// <summary>An organization's CODEOWNERS text (GitHub refuses files over 3 MB; routing needs far less).</summary>
    public const int CodeOwners = 200_000;

    /// <summary>A rule's conditions or actions as JSON, and a run's results.</summary>
    public const int RuleDefinition = 20_000;

    /// <summary>A delivery's claimant: <c>Portal:InstanceName</c> (at most 64), a colon and 8 characters of the process's id.</summary>
    public const int Claimant = 80;
}
