namespace Portal.Tenancy;

/// <summary>What a page says when a person's access does not allow what they tried.</summary>
public static class AccessMessages
{
    public const string ManagersOnly =
        "Only people whose Sentry role may manage integrations (owner, manager or admin by default) can change this.";
}
