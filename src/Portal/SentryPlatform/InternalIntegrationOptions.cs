namespace Portal.SentryPlatform;

/// <summary>
/// <c>Sentry:InternalIntegration:*</c>: an internal integration is installed in its own organization when it is
/// created, with a token that never expires, and gets no OAuth install (sentry-contract.md §1.9).
/// </summary>
public sealed class InternalIntegrationOptions
{
    /// <summary>One of the integration's tokens (Settings → Developer Settings → the integration → Tokens).</summary>
    public string? Token { get; set; }

    public string? OrganizationSlug { get; set; }

    /// <summary>The installation's uuid: <c>installation.uuid</c> in its webhooks.</summary>
    public Guid? InstallationId { get; set; }

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(Token) || !string.IsNullOrWhiteSpace(OrganizationSlug) || InstallationId is not null;
}
