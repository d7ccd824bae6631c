namespace Portal.SentryPlatform;

/// <summary>The Sentry App's identity and secret, and where Sentry lives (configuration section <c>Sentry</c>).</summary>
public sealed class SentryOptions
{
    public const string SectionName = "Sentry";

    /// <summary><c>https://sentry.io</c>, a region host, or a self-hosted Sentry.</summary>
    public Uri BaseUrl { get; set; } = new("https://sentry.io");

    public string? AppSlug { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The HMAC key of every signature Sentry sends, and the credential of the token exchange.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Still accepted for signatures during a secret rotation, until <see cref="PreviousClientSecretExpiresAt"/>.</summary>
    public string? PreviousClientSecret { get; set; }

    public DateTimeOffset? PreviousClientSecretExpiresAt { get; set; }

    /// <summary>Send <c>PUT …/sentry-app-installations/{id}/ {"status":"installed"}</c> after the code exchange.</summary>
    public bool VerifyInstallation { get; set; } = true;

    /// <summary>Set to run for one organization as an internal integration: a static token and no install flow.</summary>
    public InternalIntegrationOptions InternalIntegration { get; set; } = new();

    public bool IsInternalIntegration => InternalIntegration.IsConfigured;
}
