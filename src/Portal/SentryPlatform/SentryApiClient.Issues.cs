using System.Globalization;
using Portal.SentryPlatform.Payloads;

namespace Portal.SentryPlatform;

/// <summary>Issues, comments and external issues: what two-way ticket sync asks of Sentry (sentry-contract.md §6).</summary>
internal sealed partial class SentryApiClient
{
    /// <summary><c>GET /organizations/{org id}/issues/{id}/</c>: the issue as it is now, whatever order webhooks arrived in.</summary>
    public async Task<SentryIssue> GetIssueAsync(string accessToken, long organizationId, long issueId, CancellationToken cancellationToken)
    {
        const string Operation = "reading the issue";
        using var response = await SendAsync(
            SentryApiRequest.Create(Operation, HttpMethod.Get, IssuePath(organizationId, issueId), accessToken), cancellationToken);
        using var document = await ReadJsonAsync(Operation, response, cancellationToken);
        return SentryIssue.From(document.RootElement) ?? throw Unexpected(Operation, "it has no issue id or status");
    }

    /// <summary><c>PUT /organizations/{org id}/issues/{id}/ {"status":…}</c> (<c>resolved</c>, <c>unresolved</c> or <c>ignored</c>).</summary>
    public async Task UpdateIssueStatusAsync(string accessToken, long organizationId, long issueId, string status, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            SentryApiRequest.Create("updating the issue's status", HttpMethod.Put, IssuePath(organizationId, issueId), accessToken,
                writer => writer.WriteString("status", status)),
            cancellationToken);
    }

    /// <summary>
    /// <c>PUT /organizations/{org id}/issues/{id}/ {"assignedTo":…}</c>: <c>user:&lt;id&gt;</c>, <c>team:&lt;id&gt;</c>, a
    /// username or an email (sentry-contract.md §6).
    /// </summary>
    public async Task AssignIssueAsync(string accessToken, long organizationId, long issueId, string assignee, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            SentryApiRequest.Create("assigning the issue", HttpMethod.Put, IssuePath(organizationId, issueId), accessToken,
                writer => writer.WriteString("assignedTo", assignee)),
            cancellationToken);
    }

    /// <summary><c>PUT /organizations/{org id}/issues/{id}/ {"priority":…}</c> (<c>low</c>, <c>medium</c> or <c>high</c>).</summary>
    public async Task SetIssuePriorityAsync(string accessToken, long organizationId, long issueId, string priority, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            SentryApiRequest.Create("setting the issue's priority", HttpMethod.Put, IssuePath(organizationId, issueId), accessToken,
                writer => writer.WriteString("priority", priority)),
            cancellationToken);
    }

    /// <summary><c>POST /organizations/{org id}/issues/{id}/comments/ {"text":…}</c>; returns Sentry's comment id when it gives one.</summary>
    public async Task<long?> AddCommentAsync(string accessToken, long organizationId, long issueId, string text, CancellationToken cancellationToken)
    {
        const string Operation = "adding a comment to the issue";
        using var response = await SendAsync(
            SentryApiRequest.Create(Operation, HttpMethod.Post, $"{IssuePath(organizationId, issueId)}comments/", accessToken,
                writer => writer.WriteString("text", text)),
            cancellationToken);
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
        using var response = await SendAsync(
            SentryApiRequest.Create("registering the linked ticket with Sentry", HttpMethod.Post, $"{InstallationPath(installationId)}external-issues/", accessToken,
                writer =>
                {
                    writer.WriteNumber("issueId", issueId);
                    writer.WriteString("webUrl", webUrl);
                    writer.WriteString("project", project);
                    writer.WriteString("identifier", identifier);
                }),
            cancellationToken);
    }

    // By the organization's id, which Sentry takes wherever it takes a slug (organization_id_or_slug,
    // src/sentry/api/bases/organization.py): a rename cannot break a link.
    private static string IssuePath(long organizationId, long issueId) =>
        $"api/0/organizations/{organizationId.ToString(CultureInfo.InvariantCulture)}/issues/{issueId.ToString(CultureInfo.InvariantCulture)}/";
}
