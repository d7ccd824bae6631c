using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;
using Portal.Shell;
using Portal.Tickets;

namespace Portal.IssueLinking;

/// <summary>
/// What Sentry calls when a user submits the Link Issue modal: create a ticket from the issue, or link an existing
/// one (signed over the body). Every answer is the three strings Sentry stores, or a fixed message it shows.
/// </summary>
internal static partial class IssueLinkEndpoints
{
    /// <summary>Far above any modal's fields; a 20,000-character description is about 120 KB escaped.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static RouteGroupBuilder MapIssueLinkEndpoints(this RouteGroupBuilder fromSentry)
    {
        fromSentry.MapPost(SentryRouteExtensions.InGroup(UiComponentSchema.CreateUri), CreateAsync).SignedBy(SentrySignatureScheme.App, MaxBodyBytes);
        fromSentry.MapPost(SentryRouteExtensions.InGroup(UiComponentSchema.LinkUri), LinkAsync).SignedBy(SentrySignatureScheme.App, MaxBodyBytes);
        fromSentry.MapSelectOptionEndpoints();
        return fromSentry;
    }

    /// <summary>The schema to paste into Sentry: public, and generated from the constants the routes above use.</summary>
    public static IEndpointRouteBuilder MapUiComponentSchema(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sentry/schema.json", () => TypedResults.Text(UiComponentSchema.Build().ToJsonString(), "application/json"))
            .AllowAnonymous()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.SkipStatusCodePagesAttribute());
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<IssueLinkAnswer>, JsonHttpResult<MessageBody>>> CreateAsync(
        SentryRequest request, IDbContextFactory<PortalDbContext> dbFactory, TicketLinking tickets, IOptions<PortalOptions> portal,
        HttpContext context, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (IssueLinkRequest.Parse(request.Body) is not { } link)
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.Unreadable);
        }

        var title = link.Field(UiComponentSchema.Fields.Title);
        var description = link.Field(UiComponentSchema.Fields.Description) ?? "";
        var priorityValue = link.Field(UiComponentSchema.Fields.Priority);
        var assigneeId = link.Field(UiComponentSchema.Fields.Assignee);
        var problem = title switch
        {
            null => IssueLinkMessages.TitleMissing,
            { Length: > Limits.TicketTitle } => IssueLinkMessages.TitleTooLong,
            _ when description.Length > Limits.TicketDescription => IssueLinkMessages.DescriptionTooLong,
            _ when priorityValue is not null && !TicketPriorities.TryParse(priorityValue, out _) => IssueLinkMessages.UnknownPriority,
            _ => null,
        };
        if (problem is not null)
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, problem);
        }

        return await IssueLinkInstallations.RunAsync(link.InstallationId, dbFactory, async (installation, organizationId, db) =>
        {
            string? assigneeName = null;
            if (assigneeId is not null)
            {
                assigneeName = await OrganizationPeople.NameOfAsync(db, organizationId, assigneeId, cancellationToken);
                if (assigneeName is null)
                {
                    return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.UnknownAssignee);
                }
            }

            _ = TicketPriorities.TryParse(priorityValue, out var priority);
            var draft = new TicketDraft(title!, description, priority, assigneeId, assigneeName);
            return await StoreAsync(loggers, "create", async () =>
            {
                var (ticket, _) = await tickets.CreateForIssueAsync(draft, Issue(installation, organizationId, link), cancellationToken);
                return Linked(ticket, portal.Value, context);
            });
        });
    }

    private static async Task<Results<JsonHttpResult<IssueLinkAnswer>, JsonHttpResult<MessageBody>>> LinkAsync(
        SentryRequest request, IDbContextFactory<PortalDbContext> dbFactory, TicketLinking tickets, IOptions<PortalOptions> portal,
        HttpContext context, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (IssueLinkRequest.Parse(request.Body) is not { } link)
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.Unreadable);
        }

        if (link.Field(UiComponentSchema.Fields.Ticket) is not { } chosen)
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.TicketMissing);
        }

        if (!int.TryParse(chosen.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return IssueLinkMessages.Problem(StatusCodes.Status404NotFound, IssueLinkMessages.TicketNotFound);
        }

        return await IssueLinkInstallations.RunAsync(link.InstallationId, dbFactory, (installation, organizationId, _) => StoreAsync(loggers, "link", async () =>
        {
            return await tickets.LinkIssueAsync(number, Issue(installation, organizationId, link), cancellationToken) is { } ticket
                ? Linked(ticket, portal.Value, context)
                : (Results<JsonHttpResult<IssueLinkAnswer>, JsonHttpResult<MessageBody>>)IssueLinkMessages.Problem(StatusCodes.Status404NotFound, IssueLinkMessages.TicketNotFound);
        }));
    }

    private static async Task<Results<JsonHttpResult<IssueLinkAnswer>, JsonHttpResult<MessageBody>>> StoreAsync(
        ILoggerFactory loggers, string operation, Func<Task<Results<JsonHttpResult<IssueLinkAnswer>, JsonHttpResult<MessageBody>>>> store)
    {
        try
        {
            return await store();
        }
        catch (Exception exception) when (exception is DbUpdateException or System.Data.Common.DbException or TimeoutException)
        {
            LogStoreFailed(loggers.CreateLogger(typeof(IssueLinkEndpoints)), exception, operation);
            return IssueLinkMessages.Problem(StatusCodes.Status503ServiceUnavailable, IssueLinkMessages.Unavailable);
        }
    }

    private static LinkedIssue Issue(Installation installation, long organizationId, IssueLinkRequest link) =>
        new(organizationId, link.IssueId, installation.Uuid, link.ProjectSlug, SentryIssueUrl(link.WebUrl), link.ActorName, link.ActorId);

    // Sentry's own issue URL from the request; anything but an absolute http(s) URL is not kept (it becomes a link).
    private static string? SentryIssueUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && url!.Length <= 500
            ? uri.AbsoluteUri
            : null;

    private static JsonHttpResult<IssueLinkAnswer> Linked(Ticket ticket, PortalOptions portal, HttpContext context)
    {
        var baseUrl = portal.PublicBaseUrl?.ToString().TrimEnd('/') ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
        return TypedResults.Json(new IssueLinkAnswer(
            $"{baseUrl}/tickets/{ticket.Id.ToString(CultureInfo.InvariantCulture)}", portal.TicketKey, ticket.Number.ToString(CultureInfo.InvariantCulture)));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store an issue-link {Operation}; Sentry's user was asked to try again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string operation);
}
