using System.Text.Json;

namespace Portal.SentryPlatform.Payloads;

/// <summary>An installation as Sentry describes it (the verify call's answer, sentry-contract.md §1.6).</summary>
internal sealed record SentryInstallationInfo(Guid Uuid, string Status, string OrganizationSlug, long? OrganizationId, string? AppSlug, long? SentryAppId = null)
{
    /// <summary>From Sentry's installation object; null when it names no uuid or organization slug.</summary>
    public static SentryInstallationInfo? From(JsonElement installation)
    {
        var organization = installation.ObjectOf("organization");
        if (!Guid.TryParse(installation.StringOf("uuid"), out var uuid) || organization.StringOf("slug") is not { Length: > 0 } slug)
        {
            return null;
        }

        var app = installation.ObjectOf("app");
        return new SentryInstallationInfo(uuid, installation.StringOf("status") ?? "", slug, organization.IdOf("id"), app.StringOf("slug"), app.IdOf("sentryAppId"));
    }
}
