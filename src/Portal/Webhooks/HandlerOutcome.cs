namespace Portal.Webhooks;

/// <summary>
/// What a handler made of a delivery when it did not fail: done, or done with something a person must act on
/// (the delivery then shows as <c>Needs attention</c> with <see cref="Attention"/> as its reason).
/// </summary>
internal sealed record HandlerOutcome(string? Attention)
{
    public static readonly HandlerOutcome Done = new((string?)null);

    /// <summary>The installation this delivery is about has no known organization yet, so nothing was keyed on one.</summary>
    public static readonly HandlerOutcome OrganizationUnknown =
        new("The installation's organization is not known yet, so nothing was done; replay this delivery once the installation shows its organization.");

    public static HandlerOutcome NeedsAttention(string why) => new(why);

    /// <summary>
    /// When a handler finds no organization for the installation: an unknown installation is an orphan (flagged by the
    /// processor, nothing to do); a known one whose organization Sentry has not named yet needs attention.
    /// </summary>
    public static HandlerOutcome WithoutOrganization(Installations.InstallationOrganizations organizations, Guid installation)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        return organizations.IsKnown(installation) ? OrganizationUnknown : Done;
    }
}
