using System.Globalization;
using System.Text.Json;

namespace Portal.SentryPlatform.Payloads;

/// <summary>What ticket sync needs of a Sentry issue (Sentry's GroupSerializer shape, read leniently).</summary>
internal sealed record SentryIssue(long Id, string Status, string? ShortId, string? ProjectSlug, string? WebUrl, SentryAssignee? Assignee)
{
    /// <summary>From an issue object (the API's answer or a webhook's <c>data.issue</c>); null without id or status.</summary>
    public static SentryIssue? From(JsonElement issue)
    {
        if (issue.ValueKind != JsonValueKind.Object
            || !long.TryParse(issue.StringOf("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || issue.StringOf("status") is not { Length: > 0 } status)
        {
            return null;
        }

        var project = issue.TryGetProperty("project", out var p) ? p.StringOf("slug") : null;
        var assignee = issue.TryGetProperty("assignedTo", out var a) ? SentryAssignee.From(a) : null;
        return new SentryIssue(id, status, issue.StringOf("shortId"), project, issue.StringOf("permalink") ?? issue.StringOf("web_url"), assignee);
    }
}
