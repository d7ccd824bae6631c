namespace Portal.SentryPlatform.Payloads;

/// <summary>An installation as Sentry describes it (the verify call's answer, sentry-contract.md §1.6).</summary>
internal sealed record SentryInstallationInfo(Guid Uuid, string Status, string OrganizationSlug, long? OrganizationId, string? AppSlug, long? SentryAppId = null);
