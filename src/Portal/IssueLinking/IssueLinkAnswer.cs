namespace Portal.IssueLinking;

/// <summary>What Sentry stores as the external issue: all three strings (ISSUE_LINKER_SCHEMA).</summary>
public sealed record IssueLinkAnswer(string WebUrl, string Project, string Identifier);
