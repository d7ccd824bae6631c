namespace Portal.StacktraceLinks;

/// <summary>Settings of the stacktrace-link redirect (configuration section <c>StacktraceLinks</c>).</summary>
public sealed class StacktraceLinkOptions
{
    public const string SectionName = "StacktraceLinks";

    /// <summary>Code hosts every portal allows in URL templates.</summary>
    public static readonly IReadOnlyList<string> DefaultHosts = ["github.com", "gitlab.com", "bitbucket.org", "dev.azure.com"];

    /// <summary>More code hosts (a self-hosted GitLab, GitHub Enterprise): the operator's allow-list (reliability.md U5).</summary>
    public string[] AdditionalHosts { get; set; } = [];

    /// <summary>Requests one address may make to the redirect per minute before getting 429 (reliability.md I6).</summary>
    public int PermitsPerMinute { get; set; } = 60;

    public IReadOnlyCollection<string> AllowedHosts => [.. DefaultHosts, .. AdditionalHosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim())];
}
