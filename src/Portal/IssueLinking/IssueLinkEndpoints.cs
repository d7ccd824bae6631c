using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;
using Portal.Shell;
using Portal.Tickets;

namespace Portal.IssueLinking;

/// <summary>
/// What Sentry calls while a user fills in the Link Issue modal: create, link (signed over the body) and the
/// select fields' options (signed over "" — weak, so read-only and scoped to the installation's organization).
/// </summary>
internal static partial class IssueLinkEndpoints
{
    /// <summary>Far above any modal's fields; a 20,000-character description is about 120 KB escaped.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Most options one select answer carries.</summary>
    public const int MaxOptions = 100;

    public static RouteGroupBuilder MapIssueLinkEndpoints(this RouteGroupBuilder fromSentry)
    {
        fromSentry.MapPost(SentryRouteExtensions.InGroup(UiComponentSchema.CreateUri), CreateAsync).SignedBy(SentrySignatureScheme.App, MaxBodyBytes);
        fromSentry.MapPost(SentryRouteExtensions.InGroup(UiComponentSchema.LinkUri), LinkAsync).SignedBy(SentrySignatureScheme.App, MaxBodyBytes);
        fromSentry.MapGet(SentryRouteExtensions.InGroup(UiComponentSchema.TicketOptionsUri), TicketOptionsAsync).SignedBy(SentrySignatureScheme.AppEmptyBody, 0);
        fromSentry.MapGet(SentryRouteExtensions.InGroup(UiComponentSchema.AssigneeOptionsUri), AssigneeOptionsAsync).SignedBy(SentrySignatureScheme.AppEmptyBody, 0);
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

    private static async Task<IResult> CreateAsync(
        SentryRequest request, IDbContextFactory<PortalDbContext> dbFactory, TicketService tickets, IOptions<PortalOptions> portal,
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

        return await WithInstallationAsync(link.InstallationId, dbFactory, async (installation, organizationId, db) =>
        {
            string? assigneeName = null;
            if (assigneeId is not null)
            {
                assigneeName = await TicketService.NameOfAsync(db, organizationId, assigneeId, cancellationToken);
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

    private static async Task<IResult> LinkAsync(
        SentryRequest request, IDbContextFactory<PortalDbContext> dbFactory, TicketService tickets, IOptions<PortalOptions> portal,
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

        return await WithInstallationAsync(link.InstallationId, dbFactory, (installation, organizationId, _) => StoreAsync(loggers, "link", async () =>
        {
            return await tickets.LinkIssueAsync(number, Issue(installation, organizationId, link), cancellationToken) is { } ticket
                ? Linked(ticket, portal.Value, context)
                : IssueLinkMessages.Problem(StatusCodes.Status404NotFound, IssueLinkMessages.TicketNotFound);
        }));
    }

    // SentryRequest: the signature filter reads Sentry-App-Signature from it (over "", for a GET).
    private static async Task<IResult> TicketOptionsAsync(
        SentryRequest signed, string? installationId, string? query, string? dependentData, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!TryReadDependentData(dependentData, out var dependencies))
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.BadDependentData);
        }

        return await WithInstallationAsync(Guid.TryParse(installationId, out var id) ? id : null, dbFactory, async (_, organizationId, db) =>
        {
            var tickets = db.Tickets.AsNoTracking().Where(t => t.OrganizationId == organizationId);
            if (dependencies.TryGetValue("status", out var statusName) && Enum.TryParse<TicketStatus>(statusName, ignoreCase: true, out var status))
            {
                tickets = tickets.Where(t => t.Status == status);
            }

            if (dependencies.TryGetValue(UiComponentSchema.Fields.Priority, out var priorityName) && TicketPriorities.TryParse(priorityName, out var priority))
            {
                tickets = tickets.Where(t => t.Priority == priority);
            }

            if (!string.IsNullOrWhiteSpace(query))
            {
                var text = query.Trim().TrimStart('#');
                var pattern = SqlLike.Containing(text);
                int? number = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
                tickets = tickets.Where(t => t.Number == number || EF.Functions.Like(t.Title, pattern, SqlLike.Escape));
            }

            // Open work first, then the newest: two walks down the (organization, number) index, each stopping at 100.
            var open = await Page(tickets.Where(t => t.Status == TicketStatus.Open || t.Status == TicketStatus.InProgress), MaxOptions, cancellationToken);
            var closed = open.Count < MaxOptions
                ? await Page(tickets.Where(t => t.Status == TicketStatus.Resolved || t.Status == TicketStatus.Ignored), MaxOptions - open.Count, cancellationToken)
                : [];
            return TypedResults.Json(open.Concat(closed).Select(t => new SelectOption(
                $"#{t.Number.ToString(CultureInfo.InvariantCulture)} · {t.Title}{(t.Status is TicketStatus.Resolved or TicketStatus.Ignored ? $" ({t.Status})" : "")}",
                t.Number.ToString(CultureInfo.InvariantCulture))).ToList());
        });
    }

    private static async Task<IResult> AssigneeOptionsAsync(
        SentryRequest signed, string? installationId, string? query, string? dependentData, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (!TryReadDependentData(dependentData, out _))
        {
            return IssueLinkMessages.Problem(StatusCodes.Status400BadRequest, IssueLinkMessages.BadDependentData);
        }

        return await WithInstallationAsync(Guid.TryParse(installationId, out var id) ? id : null, dbFactory, async (_, organizationId, db) =>
        {
            var people = db.OrganizationPeople.AsNoTracking().Where(p => p.OrganizationId == organizationId);
            if (!string.IsNullOrWhiteSpace(query))
            {
                var pattern = SqlLike.Containing(query.Trim());
                people = people.Where(p => EF.Functions.Like(p.Name, pattern, SqlLike.Escape));
            }

            var found = await people.OrderBy(p => p.Name).Take(MaxOptions).Select(p => new { p.Name, p.SentryUserId }).ToListAsync(cancellationToken);
            return TypedResults.Json(found.Select(p => new SelectOption(p.Name, p.SentryUserId)).ToList());
        });
    }

    private static Task<List<TicketChoice>> Page(IQueryable<Ticket> tickets, int count, CancellationToken cancellationToken) =>
        tickets.OrderByDescending(t => t.Number).Take(count).Select(t => new TicketChoice(t.Number, t.Title, t.Status)).ToListAsync(cancellationToken);

    private sealed record TicketChoice(int Number, string Title, TicketStatus Status);

    // The installation must be one the portal knows and that is still installed; everything happens in its
    // organization, by id, and nothing happens while Sentry has not said which organization that is.
    private static async Task<IResult> WithInstallationAsync(
        Guid? installationId, IDbContextFactory<PortalDbContext> dbFactory, Func<Installation, long, PortalDbContext, Task<IResult>> action)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var installation = installationId is { } id ? await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Uuid == id) : null;
        return installation switch
        {
            null => IssueLinkMessages.Problem(StatusCodes.Status404NotFound, IssueLinkMessages.UnknownInstallation),
            { Status: InstallationStatus.Uninstalled } => IssueLinkMessages.Problem(StatusCodes.Status410Gone, IssueLinkMessages.Uninstalled),
            { OrganizationId: { } organizationId } => await action(installation, organizationId, db),
            _ => IssueLinkMessages.Problem(StatusCodes.Status409Conflict, IssueLinkMessages.OrganizationUnknown),
        };
    }

    private static async Task<IResult> StoreAsync(ILoggerFactory loggers, string operation, Func<Task<IResult>> store)
    {
        try
        {
            return await store();
        }
        catch (Exception exception) when (exception is DbUpdateException or Microsoft.Data.Sqlite.SqliteException or TimeoutException)
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

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<IssueLinkAnswer> Linked(Ticket ticket, PortalOptions portal, HttpContext context)
    {
        var baseUrl = portal.PublicBaseUrl?.ToString().TrimEnd('/') ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
        return TypedResults.Json(new IssueLinkAnswer(
            $"{baseUrl}/tickets/{ticket.Id.ToString(CultureInfo.InvariantCulture)}", portal.TicketKey, ticket.Number.ToString(CultureInfo.InvariantCulture)));
    }

    // dependentData is a JSON object of the parent fields' values; anything else is refused, unknown keys ignored.
    private static bool TryReadDependentData(string? dependentData, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(dependentData))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(dependentData);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store an issue-link {Operation}; Sentry's user was asked to try again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string operation);

    /// <summary>What Sentry stores as the external issue: all three strings (ISSUE_LINKER_SCHEMA).</summary>
    public sealed record IssueLinkAnswer(string WebUrl, string Project, string Identifier);

    /// <summary>One choice of a select field (SELECT_OPTIONS_SCHEMA).</summary>
    public sealed record SelectOption(string Label, string Value);
}
