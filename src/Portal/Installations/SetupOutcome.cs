namespace Portal.Installations;

/// <summary>How completing an installation ended; <see cref="Detail"/> is Sentry's reason, safe to show.</summary>
internal sealed record SetupOutcome(SetupResult Result, string? OrganizationSlug = null, string? AppSlug = null, string? Detail = null)
{
    public bool HasTokens => Result is SetupResult.Installed or SetupResult.AlreadyInstalled or SetupResult.VerificationFailed;
}
