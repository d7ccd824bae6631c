namespace Portal.SignIn;

/// <summary>
/// Which organizations' data a signed-in person may see: every organization (operators), or the Sentry
/// organizations they belong to that installed the app. Deliveries without an organization (orphans) are
/// operators' business only.
/// </summary>
public sealed record AccessScope(bool AllOrganizations, IReadOnlySet<string> Organizations)
{
    public static readonly AccessScope None = new(false, new HashSet<string>());

    public static readonly AccessScope Everything = new(true, new HashSet<string>());

    public bool IsEmpty => !AllOrganizations && Organizations.Count == 0;

    public bool Includes(string? organizationSlug) =>
        AllOrganizations || (organizationSlug is not null && Organizations.Contains(organizationSlug));
}
