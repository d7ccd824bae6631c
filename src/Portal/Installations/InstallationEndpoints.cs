using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.SentryPlatform;
using Portal.Shell;

namespace Portal.Installations;

/// <summary>
/// <c>GET /sentry/setup</c>, Sentry's <i>Redirect URL</i>: the installer's browser arrives with
/// <c>code</c>, <c>installationId</c>, <c>orgSlug</c> and maybe <c>state</c> (sentry-contract.md §1.3). Nothing in
/// it is signed: only the code and the installation id are used, and the exchange proves them.
/// </summary>
internal static partial class InstallationEndpoints
{
    /// <summary>The installation redirect's per-address limit (its own bucket; reliability.md I6).</summary>
    public const string RateLimit = "installation-redirect";

    public static WebApplication MapInstallationEndpoints(this WebApplication app)
    {
        app.MapGet("/sentry/setup", SetupAsync)
            .WithName("CompleteSentryInstallation")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimit)
            .WithMetadata(new SkipStatusCodePagesAttribute());
        return app;
    }

    private static async Task<Results<RedirectHttpResult, RazorComponentResult<StandalonePage>>> SetupAsync(
        HttpContext context,
        InstallationService installations,
        IOptions<SentryOptions> options,
        [FromQuery] string? code,
        [FromQuery] string? installationId,
        CancellationToken cancellationToken)
    {
        // The code is in this URL: keep it out of Referer headers and caches (RFC 9700 §4.2).
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";

        var sentry = options.Value;
        if (sentry.IsInternalIntegration)
        {
            return Page(StatusCodes.Status404NotFound, "Nothing to install",
                "This portal runs as an internal integration of one organization, which Sentry installs when the integration is created.",
                "There is no install step: webhooks and links work as soon as the portal is configured.");
        }

        if (code is null || !GrantCodeShape().IsMatch(code) || !Guid.TryParse(installationId, out var uuid))
        {
            return Page(StatusCodes.Status400BadRequest, "This installation link is incomplete",
                "Sentry sends the browser here with a grant code and an installation id, and this link lacks one of them or has one that cannot be right.",
                "Start the installation again from Sentry: Settings → Integrations.");
        }

        var outcome = await installations.CompleteAsync(uuid, code, facts: null, cancellationToken);
        return outcome.Result switch
        {
            SetupResult.Installed or SetupResult.AlreadyInstalled => TypedResults.Redirect(SentrySettingsUrl(sentry, outcome)),
            SetupResult.VerificationFailed => Page(StatusCodes.Status502BadGateway, "Installed, but not yet confirmed",
                $"The portal received its access to your organization, but Sentry did not accept the verification: {outcome.Detail}",
                "Nothing is lost and you need not do anything: the portal retries the verification on its own. Until it succeeds, Sentry lists the app as Pending."),
            SetupResult.CodeRejected => Page(StatusCodes.Status400BadRequest, "This installation link has expired or was used",
                outcome.Detail is { } refusal
                    ? $"Sentry refused the link's grant code: {refusal}. A grant code works once, within 10 minutes of clicking Install."
                    : "A grant code works once, within 10 minutes of clicking Install, and this link's cannot be used.",
                "Install the app again from Sentry (Settings → Integrations); if Sentry lists it as installed already, uninstall it first."),
            SetupResult.CredentialsRejected => Page(StatusCodes.Status502BadGateway, "The portal's credentials were refused",
                "Sentry did not accept this portal's client id and secret, so the installation could not be completed. Nothing was stored.",
                "Ask the portal's operator to check Sentry:ClientId and Sentry:ClientSecret against the app's settings in Sentry, then install again."),
            SetupResult.Uninstalled => Page(StatusCodes.Status410Gone, "This installation was removed",
                "Sentry reported this installation as uninstalled.",
                "Install the app again from Sentry: Settings → Integrations."),
            _ => Page(StatusCodes.Status503ServiceUnavailable, "Sentry could not be reached",
                $"The portal could not finish the installation because it could not talk to Sentry ({outcome.Detail}). Nothing was stored.",
                "Reload this page within 10 minutes of clicking Install to try again; after that, install the app again from Sentry."),
        };
    }

    // Sentry's settings page for the app, in the organization Sentry's own answer named (never the query string's).
    private static string SentrySettingsUrl(SentryOptions sentry, SetupOutcome outcome)
    {
        var baseUrl = sentry.BaseUrl.ToString().TrimEnd('/');
        var appSlug = outcome.AppSlug is { Length: > 0 } slug ? slug : sentry.AppSlug ?? "";
        return $"{baseUrl}/settings/{Uri.EscapeDataString(outcome.OrganizationSlug ?? "")}/sentry-apps/{Uri.EscapeDataString(appSlug)}/";
    }

    private static RazorComponentResult<StandalonePage> Page(int statusCode, string title, string message, string advice) =>
        new(new { Section = "installation", Title = title, Message = message, Advice = advice }) { StatusCode = statusCode };

    // Sentry's codes are 64 lower-case hex; accept any short token of that alphabet and let the exchange judge it.
    [GeneratedRegex("^[0-9A-Za-z_-]{1,128}$")]
    private static partial Regex GrantCodeShape();
}
