namespace Portal.Data.Entities;

/// <summary>
/// A Sentry organization, known by the numeric id Sentry gives it (design.md §5). Owners rename slugs and a freed
/// slug can be taken by another organization, so every tenant row keys on <see cref="Id"/>; <see cref="Slug"/> is
/// only the name shown, refreshed whenever Sentry tells the portal the organization's current slug.
/// </summary>
public sealed class Organization
{
    /// <summary>
    /// Sentry's organization id. Negative only for an organization carried over from the portal's slug-keyed
    /// storage whose id was never learned (<see cref="IsProvisional"/>): its rows move to the real id once Sentry
    /// names it, and until then only operators see them.
    /// </summary>
    public long Id { get; init; }

    /// <summary>The organization's slug as Sentry last said it: a display name, never a key.</summary>
    public required string Slug { get; set; }

    /// <summary>When Sentry last said <see cref="Slug"/>: an older word does not undo a newer one.</summary>
    public required DateTimeOffset SlugSeenAt { get; set; }

    public bool IsProvisional => Id < 0;
}
