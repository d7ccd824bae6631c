namespace Portal.Installations;

/// <summary>What a signed <c>installation.created</c> says about the installation (sentry-contract.md §2.9.1).</summary>
internal sealed record InstallationFacts(string? OrganizationSlug, long? OrganizationId, string? AppSlug);
