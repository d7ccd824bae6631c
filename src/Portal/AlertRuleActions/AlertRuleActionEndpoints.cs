using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.IssueLinking;
using Portal.SentryPlatform;

namespace Portal.AlertRuleActions;

/// <summary>
/// <c>POST /sentry/alert-rule-action</c>: Sentry asks before it saves an alert rule (or metric alert trigger) that
/// uses the portal's action (sentry-contract.md §3.5). A 2xx lets the rule be saved; a 4xx with a message blocks
/// it and Sentry shows the message. Nothing is stored: the settings come back in every alert webhook.
/// </summary>
internal static class AlertRuleActionEndpoints
{
    public const string Uri = "/sentry/alert-rule-action";
    public const int MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapAlertRuleActionEndpoints(this RouteGroupBuilder fromSentry)
    {
        fromSentry.MapPost(SentryRouteExtensions.InGroup(Uri), ValidateAsync).SignedBy(SentrySignatureScheme.App, MaxBodyBytes);
        return fromSentry;
    }

    private static async Task<JsonHttpResult<MessageBody>> ValidateAsync(SentryRequest request, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.Unreadable);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array
            || !Guid.TryParse(root.StringOf("installationId"), out var installationId))
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.Unreadable);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Uuid == installationId, cancellationToken);
        if (IssueLinkInstallations.RefusalOf(installation) is { } refusal)
        {
            return refusal;
        }

        // No refusal means a known, installed installation whose organization is known.
        var organizationId = installation!.OrganizationId!.Value;
        var settings = AlertRuleSettings.From(fields);
        if (settings.Problem() is { } problem)
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, problem);
        }

        if (settings.AssigneeId is { } assignee
            && !await db.OrganizationPeople.AnyAsync(p => p.OrganizationId == organizationId && p.SentryUserId == assignee, cancellationToken))
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.UnknownAssignee);
        }

        return TypedResults.Json(new MessageBody(AlertRuleMessages.Saved));
    }
}
