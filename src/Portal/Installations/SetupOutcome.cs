namespace Portal.Installations;

/// <summary>How completing an installation ended; <see cref="Detail"/> is Sentry's reason, safe to show.</summary>
internal sealed record SetupOutcome(SetupResult Result, string? OrganizationSlug = null, string? AppSlug = null, string? Detail = null);
