using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Portal.SentryPlatform;

/// <summary>Issues, comments and external issues: what two-way ticket sync asks of Sentry (sentry-contract.md §6).</summary>
internal sealed partial class SentryApiClient
{
    /// <summary><c>GET /organizations/{org id}/issues/{id}/</c>: the issue as it is now, whatever order webhooks arrived in.</summary>
    public async Task<SentryIssue> GetIssueAsync(string accessToken, long organizationId, long issueId, CancellationToken cancellationToken)
    {
        const string Operation = "reading the issue";
        using var response = await SendAsync(Operation, () => Authorized(HttpMethod.Get, IssuePath(organizationId, issueId), accessToken), cancellationToken);
        using var document = await ReadJsonAsync(Operation, response, cancellationToken);
        return SentryIssue.From(document.RootElement) ?? throw Unexpected(Operation, "it has no issue id or status");
    }

    /// <summary><c>PUT /organizations/{org id}/issues/{id}/ {"status":…}</c> (<c>resolved</c>, <c>unresolved</c> or <c>ignored</c>).</summary>
    public async Task UpdateIssueStatusAsync(string accessToken, long organizationId, long issueId, string status, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("updating the issue's status", () =>
        {
            var request = Authorized(HttpMethod.Put, IssuePath(organizationId, issueId), accessToken);
            request.Content = JsonBody(writer => writer.WriteString("status", status));
            return request;
        }, cancellationToken);
    }

    /// <summary><c>POST /organizations/{org id}/issues/{id}/comments/ {"text":…}</c>; returns Sentry's comment id when it gives one.</summary>
    public async Task<long?> AddCommentAsync(string accessToken, long organizationId, long issueId, string text, CancellationToken cancellationToken)
    {
        const string Operation = "adding a comment to the issue";
        using var response = await SendAsync(Operation, () =>
        {
            var request = Authorized(HttpMethod.Post, $"{IssuePath(organizationId, issueId)}comments/", accessToken);
            request.Content = JsonBody(writer => writer.WriteString("text", text));
            return request;
        }, cancellationToken);
        using var document = await ReadJsonAsync(Operation, response, cancellationToken);
        return document.RootElement.StringOf("id") is { } id && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    /// <summary>
    /// <c>POST /sentry-app-installations/{uuid}/external-issues/</c>: shows a link made in the portal in the issue's
    /// sidebar, as the modal's answer does for a link made in Sentry. An upsert per (issue, app).
    /// </summary>
    public async Task LinkExternalIssueAsync(
        string accessToken, Guid installationId, long issueId, string webUrl, string project, string identifier, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("registering the linked ticket with Sentry", () =>
        {
            var request = Authorized(HttpMethod.Post, $"{InstallationPath(installationId)}external-issues/", accessToken);
            request.Content = JsonBody(writer =>
            {
                writer.WriteNumber("issueId", issueId);
                writer.WriteString("webUrl", webUrl);
                writer.WriteString("project", project);
                writer.WriteString("identifier", identifier);
            });
            return request;
        }, cancellationToken);
    }

    // By the organization's id, which Sentry takes wherever it takes a slug (organization_id_or_slug,
    // src/sentry/api/bases/organization.py): a rename cannot break a link.
    private static string IssuePath(long organizationId, long issueId) =>
        $"api/0/organizations/{organizationId.ToString(CultureInfo.InvariantCulture)}/issues/{issueId.ToString(CultureInfo.InvariantCulture)}/";

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string accessToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }
}

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

/// <summary>A user or team an issue is assigned to (<c>assignedTo</c>, or an <c>issue.assigned</c> webhook's <c>assignee</c>).</summary>
internal sealed record SentryAssignee(string Type, string Id, string Name)
{
    public static SentryAssignee? From(JsonElement assignee)
    {
        if (assignee.ValueKind != JsonValueKind.Object || !assignee.TryGetProperty("id", out var idElement))
        {
            return null;
        }

        var id = idElement.ValueKind switch
        {
            JsonValueKind.String => idElement.GetString(),
            JsonValueKind.Number => idElement.GetRawText(),
            _ => null,
        };
        return id is null ? null : new SentryAssignee(assignee.StringOf("type") ?? "user", id, assignee.StringOf("name") ?? assignee.StringOf("email") ?? id);
    }
}

internal enum SentryCommentAction
{
    Created,
    Updated,
    Deleted,
}

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
