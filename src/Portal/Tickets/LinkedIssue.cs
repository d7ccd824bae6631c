namespace Portal.Tickets;

/// <summary>The Sentry issue being linked, and through which installation and by whom.</summary>
internal sealed record LinkedIssue(
    long OrganizationId, long SentryIssueId, Guid InstallationUuid, string? ProjectSlug, string? WebUrl, string LinkedBy, string? LinkedById = null);
