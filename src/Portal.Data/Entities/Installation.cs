namespace Portal.Data.Entities;

/// <summary>One organization's installation of the Sentry App (or the single internal integration).</summary>
public sealed class Installation
{
    public int Id { get; init; }

    /// <summary>Sentry's installation uuid (<c>installationId</c> / <c>installation.uuid</c>).</summary>
    public required Guid Uuid { get; init; }

    public required string AppSlug { get; set; }

    /// <summary>
    /// Sentry's id of the organization that installed, from Sentry's own answers (signed webhooks, the verify
    /// answer); null until Sentry has said it. Nothing is keyed on an installation whose organization is unknown.
    /// </summary>
    public long? OrganizationId { get; set; }

    /// <summary>The organization, for its slug; loaded only where a page shows it.</summary>
    public Organization? Organization { get; set; }

    /// <summary>The Sentry App's numeric id (<c>app.sentryAppId</c>): which of an alert rule's actions are this app's.</summary>
    public long? SentryAppId { get; set; }

    /// <summary>
    /// SHA-256 of the grant code this installation was completed with (or that its <c>installation.created</c>
    /// carried): only that code sends an installer's browser back to the organization's settings.
    /// </summary>
    public byte[]? GrantCodeSha256 { get; set; }

    public InstallationKind Kind { get; init; }

    public InstallationStatus Status { get; set; }

    /// <summary>Access token, protected with ASP.NET Core Data Protection; null when none is held.</summary>
    public string? ProtectedAccessToken { get; set; }

    /// <summary>Refresh token, protected like the access token.</summary>
    public string? ProtectedRefreshToken { get; set; }

    /// <summary>When the access token stops working; null for an internal integration's static token.</summary>
    public DateTimeOffset? TokenExpiresAt { get; set; }

    public DateTimeOffset? LastRefreshedAt { get; set; }

    /// <summary>Why the last refresh failed (Sentry's words, never a token); null after a success.</summary>
    public string? LastRefreshError { get; set; }

    /// <summary>Set while one process refreshes the pair, so another waits instead of spending the refresh token too.</summary>
    public DateTimeOffset? RefreshLeaseUntil { get; set; }

    public required DateTimeOffset InstalledAt { get; init; }

    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>Why Sentry did not accept the last verification; null once verified.</summary>
    public string? VerificationError { get; set; }

    public int VerificationAttempts { get; set; }

    /// <summary>When the verifier tries again; null when nothing is left to verify.</summary>
    public DateTimeOffset? NextVerificationAt { get; set; }

    public DateTimeOffset? UninstalledAt { get; set; }

    /// <summary>Optimistic concurrency: two refreshers cannot both write a token pair.</summary>
    public Guid ConcurrencyToken { get; set; } = Guid.NewGuid();

    /// <summary>
    /// <c>installation.deleted</c>: the tokens go at once (reliability.md O7), nothing is left to refresh or verify, and
    /// the row stays for history. Uninstalling again changes nothing, so the first date stands.
    /// </summary>
    public void Uninstall(DateTimeOffset at)
    {
        if (Status == InstallationStatus.Uninstalled)
        {
            return;
        }

        Status = InstallationStatus.Uninstalled;
        UninstalledAt = at;
        ForgetTokens();
        NextVerificationAt = null;
    }

    /// <summary>
    /// Sentry refused every way of getting this installation a token (a spent grant code, or every refresh): its
    /// tokens are dropped, <paramref name="reason"/> is kept for the admin, and only a reinstall from Sentry helps.
    /// </summary>
    public void NeedReauthorization(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);

        // An uninstalled installation has nothing to reauthorize; its status is the last word.
        if (Status == InstallationStatus.Uninstalled)
        {
            throw new InvalidOperationException($"Installation {Uuid} was uninstalled; it cannot need reauthorization.");
        }

        Status = InstallationStatus.NeedsReauthorization;
        LastRefreshError = ErrorText.Truncate(reason);
        ForgetTokens();
    }

    // A new concurrency token, so that a refresher holding the row from before cannot write a pair back.
    private void ForgetTokens()
    {
        ProtectedAccessToken = null;
        ProtectedRefreshToken = null;
        TokenExpiresAt = null;
        RefreshLeaseUntil = null;
        ConcurrencyToken = Guid.NewGuid();
    }
}
