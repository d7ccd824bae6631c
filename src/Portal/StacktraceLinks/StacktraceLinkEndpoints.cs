using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Shell;
using Portal.Tenancy;

namespace Portal.StacktraceLinks;

/// <summary>
/// <c>GET /sentry/stacktrace-link</c>: the link Sentry puts on every stack frame (sentry-contract.md §3.6). A
/// plain, unsigned browser navigation, so it is rate-limited per address, and the only redirect it makes is to
/// a URL built from an admin's template (CodeUrlTemplate): never an open redirect.
/// </summary>
internal static class StacktraceLinkEndpoints
{
    /// <summary>The stack-frame redirect's per-address limit (<c>StacktraceLinks:PermitsPerMinute</c>).</summary>
    public const string RateLimit = "stacktrace-link";

    public const string Uri = "/sentry/stacktrace-link";

    public static IHostApplicationBuilder AddStacktraceLinks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StacktraceLinkOptions>().BindConfiguration(StacktraceLinkOptions.SectionName);
        builder.Services.AddSingleton<CodeMappingDirectory>();
        builder.Services.AddPerAddressLimit(RateLimit, services => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StacktraceLinkOptions>>().Value.PermitsPerMinute);
        return builder;
    }

    public static IEndpointRouteBuilder MapStacktraceLinkEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Uri, RedirectAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimit)
            .WithMetadata(new SkipStatusCodePagesAttribute());
        return endpoints;
    }

    private static async Task<Results<RedirectHttpResult, RazorComponentResult<StandalonePage>, RazorComponentResult<NoCodeMappingPage>>> RedirectAsync(
        HttpContext context, IDbContextFactory<PortalDbContext> dbFactory, PortalAccess access, OrganizationDirectory organizations,
        [FromQuery] string? filename, [FromQuery] string? lineNo, [FromQuery] string? installationId, [FromQuery] string? projectSlug)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        var (frame, problem) = StackFrame.Parse(filename, lineNo);
        if (frame is null)
        {
            return Page(StatusCodes.Status400BadRequest, "This stack frame link cannot be followed", problem!,
                "Open the file from the stack trace in Sentry instead; the link's file name or line is not one the portal accepts.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
        var installation = Guid.TryParse(installationId, out var uuid)
            ? await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Uuid == uuid && i.Status != InstallationStatus.Uninstalled, context.RequestAborted)
            : null;
        if (installation is null)
        {
            return Page(StatusCodes.Status404NotFound, "Unknown installation",
                "This link names an installation of the portal that does not exist (or was removed).",
                "Open the file from Sentry again; if it keeps failing, ask your portal administrator.");
        }

        // An installation whose organization Sentry has not named yet has no mappings: none are keyed on an unknown organization.
        var organizationId = installation.OrganizationId;
        var mappings = await db.CodeMappings.AsNoTracking().Where(m => m.OrganizationId == organizationId).ToListAsync(context.RequestAborted);
        var project = string.IsNullOrEmpty(projectSlug) ? null : projectSlug;
        if (CodeMappingResolver.Resolve(mappings, frame, project) is not { } resolved)
        {
            var scope = await access.ScopeOfAsync(context.User, context.RequestAborted);
            return new RazorComponentResult<NoCodeMappingPage>(new
            {
                Frame = frame,
                ProjectSlug = project,
                OrganizationId = organizationId,
                OrganizationName = organizationId is { } id ? organizations.NameOf(id) : "this organization",
                CanAddMapping = organizationId is not null && scope.CanManage(organizationId),
            });
        }

        var location = CodeUrlTemplate.Build(resolved.Mapping.UrlTemplate, resolved.Path, frame.Line);

        // Defence in depth: whatever the frame held, the target's origin is the template's.
        return System.Uri.TryCreate(location, UriKind.Absolute, out var target)
            && target.GetLeftPart(UriPartial.Authority) == CodeUrlTemplate.OriginOf(resolved.Mapping.UrlTemplate)
                ? TypedResults.Redirect(target.AbsoluteUri)
                : Page(StatusCodes.Status400BadRequest, "This stack frame link cannot be followed", "The code mapping does not produce a valid address for this file.",
                    "Ask your portal administrator to check the code mapping's URL template.");
    }

    private static RazorComponentResult<StandalonePage> Page(int statusCode, string title, string message, string advice) =>
        new(new { Section = "stack trace", Title = title, Message = message, Advice = advice }) { StatusCode = statusCode };
}
