namespace Portal.Data.Entities;

/// <summary>One organization's installation of the Sentry App (or the single internal integration).</summary>
public sealed class Installation
{
    public int Id { get; init; }

    /// <summary>Sentry's installation uuid (<c>installationId</c> / <c>installation.uuid</c>).</summary>
    public required Guid Uuid { get; init; }

    public required string AppSlug { get; set; }

    public required string OrganizationSlug { get; set; }

    public long? OrganizationId { get; set; }

    public InstallationKind Kind { get; init; }

    public InstallationStatus Status { get; set; }

    /// <summary>Access token, protected with ASP.NET Core Data Protection; null when none is held.</summary>
    public string? ProtectedAccessToken { get; set; }

    /// <summary>Refresh token, protected like the access token.</summary>
    public string? ProtectedRefreshToken { get; set; }

    public DateTimeOffset? TokenExpiresAt { get; set; }

    public required DateTimeOffset InstalledAt { get; init; }

    public DateTimeOffset? VerifiedAt { get; set; }

    public DateTimeOffset? UninstalledAt { get; set; }

    /// <summary>Optimistic concurrency: two refreshers cannot both write a token pair.</summary>
    public Guid ConcurrencyToken { get; set; } = Guid.NewGuid();
}
