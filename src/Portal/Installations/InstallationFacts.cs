namespace Portal.Installations;

/// <summary>
/// What Sentry says about an installation — in a signed <c>installation.*</c> webhook (sentry-contract.md §2.9.1) or
/// its answer to the verify call — and when it said it (<see cref="SaidAt"/>): a slug said earlier does not undo a
/// later one.
/// </summary>
internal sealed record InstallationFacts(string? OrganizationSlug, long? OrganizationId, string? AppSlug, long? SentryAppId, DateTimeOffset SaidAt);
