using Portal.Data.Entities;

namespace Portal.Installations;

/// <summary>An installation as the admin pages show it: its state and history, never a token.</summary>
public sealed record InstallationView(
    Guid Uuid,
    string? OrganizationSlug,
    long? OrganizationId,
    bool CanManage,
    string AppSlug,
    InstallationKind Kind,
    InstallationStatus Status,
    bool HoldsToken,
    DateTimeOffset? TokenExpiresAt,
    DateTimeOffset? LastRefreshedAt,
    string? LastRefreshError,
    DateTimeOffset? VerifiedAt,
    string? VerificationError,
    DateTimeOffset? NextVerificationAt,
    DateTimeOffset InstalledAt,
    DateTimeOffset? UninstalledAt)
{
    /// <summary>Verification can be retried: a public installation that holds tokens but is not confirmed yet.</summary>
    public bool CanRetryVerification => CanManage && Kind == InstallationKind.Public && Status == InstallationStatus.Pending && HoldsToken;

    /// <summary>A refresh can be asked for: a public installation with a token that expires.</summary>
    public bool CanRefresh => CanManage && Kind == InstallationKind.Public && HoldsToken && Status is InstallationStatus.Installed or InstallationStatus.Pending;
}
