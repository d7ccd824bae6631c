using System.Globalization;
using System.Text.Json;

namespace Portal.SentryPlatform.Payloads;

/// <summary>A <c>comment.*</c> webhook's data (sentry-contract.md §2.9.4): integer ids, the text, who wrote it.</summary>
internal sealed record SentryComment(SentryCommentAction Action, long Id, long IssueId, string Text, string Author, bool ByApplication, DateTimeOffset? CreatedAt)
{
    public static SentryComment? From(string? action, JsonElement root)
    {
        var data = root.TryGetProperty("data", out var d) ? d : default;
        var parsedAction = action switch
        {
            "created" => SentryCommentAction.Created,
            "updated" => SentryCommentAction.Updated,
            "deleted" => SentryCommentAction.Deleted,
            _ => (SentryCommentAction?)null,
        };
        if (parsedAction is not { } known || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("comment_id", out var id) || !id.TryGetInt64(out var commentId)
            || !data.TryGetProperty("issue_id", out var issue) || !issue.TryGetInt64(out var issueId))
        {
            return null;
        }

        var actor = root.TryGetProperty("actor", out var a) ? a : default;
        DateTimeOffset? createdAt = DateTimeOffset.TryParse(data.StringOf("timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;
        return new SentryComment(known, commentId, issueId, data.StringOf("comment") ?? "", $"{actor.StringOf("name") ?? "Someone"} (in Sentry)",
            actor.StringOf("type") == "application", createdAt);
    }
}
