using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Shell;
using Portal.Tenancy;

namespace Portal.SignIn;

/// <summary>
/// <c>GET /signin</c>, <c>GET /signin/sentry</c> (the challenge; Sentry calls back on <c>/signin-sentry</c>),
/// <c>POST /signout</c>, the failure pages, and in Development without <c>SignIn:*</c> the local sign-in.
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>The start of sign-in's per-address limit (its own bucket; reliability.md I6).</summary>
    public const string RateLimit = "sign-in";

    public static WebApplication MapSignInEndpoints(this WebApplication app)
    {
        var signIn = app.MapGroup("").AllowAnonymous().WithMetadata(new SkipStatusCodePagesAttribute());
        signIn.MapGet("/signin", SignInPageAsync);
        signIn.MapGet("/signin/sentry", ChallengeSentry).RequireRateLimiting(RateLimit);
        signIn.MapGet("/signin/failed", Failed);
        signIn.MapGet("/signin/no-access", NoAccess);
        signIn.MapPost("/signout", (Delegate)SignOutAsync);
        if (LocalSignInAllowed(app.Environment, app.Services.GetRequiredService<IOptions<SignInOptions>>().Value))
        {
            signIn.MapPost("/signin/local", LocalSignInAsync).RequireRateLimiting(RateLimit);
        }

        return app;
    }

    private static Task<RazorComponentResult<SignInPage>> SignInPageAsync(
        IOptions<SignInOptions> options, IHostEnvironment environment, [FromQuery] string? returnUrl) =>
        Task.FromResult(new RazorComponentResult<SignInPage>(new
        {
            SentryConfigured = options.Value.IsConfigured,
            LocalSignInAllowed = LocalSignInAllowed(environment, options.Value),
            ReturnUrl = ReturnUrl.Safe(returnUrl),
        }));

    private static Results<ChallengeHttpResult, NotFound> ChallengeSentry(IOptions<SignInOptions> options, [FromQuery] string? returnUrl) =>
        options.Value.IsConfigured
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = ReturnUrl.Safe(returnUrl) }, [SentryAuthenticationDefaults.AuthenticationScheme])
            : TypedResults.NotFound();

    private static async Task<RedirectHttpResult> LocalSignInAsync(HttpContext context, [FromForm] string? returnUrl)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, SentryClaimTypes.LocalDeveloperId),
                new Claim(ClaimTypes.Name, "Local developer"),
                new Claim(SentryClaimTypes.Operator, "true"),
            ],
            "Local");
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return TypedResults.LocalRedirect(ReturnUrl.Safe(returnUrl));
    }

    // Minimal APIs check antiforgery only on endpoints that bind a form, and this one binds nothing: without asking
    // here, any site could sign a person out with a cross-site POST.
    private static async Task<Results<RedirectHttpResult, BadRequest>> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/signin");
    }

    private static RazorComponentResult<StandalonePage> Failed([FromQuery] string? reason, [FromQuery] string? id)
    {
        var what = reason switch
        {
            "denied" => "Sentry reported that the sign-in was not approved.",
            "correlation" => "The sign-in could not be matched to this browser (its sign-in cookie was missing, blocked or expired).",
            "state" => "The answer from Sentry did not belong to a sign-in started here.",
            _ => "Sentry's answer to the sign-in could not be used.",
        };
        return new RazorComponentResult<StandalonePage>(new
        {
            Section = "sign in",
            Title = "Sign-in did not complete",
            Message = $"{what} Correlation id: {UntrustedId(id)}.",
            Advice = "Start again from the sign-in page; allow cookies for this site. If it keeps failing, give the operator the correlation id.",
        })
        { StatusCode = StatusCodes.Status400BadRequest };
    }

    private static RazorComponentResult<StandalonePage> NoAccess() =>
        new(new
        {
            Section = "sign in",
            Title = "No access",
            Message = "You are signed in, but none of your Sentry organizations has installed this app, and you are not one of the portal's operators.",
            Advice = "Ask an owner of your Sentry organization to install the app, or ask the operator to add your Sentry user id to SignIn:OperatorUserIds.",
        })
        { StatusCode = StatusCodes.Status403Forbidden };

    private static bool LocalSignInAllowed(IHostEnvironment environment, SignInOptions options) =>
        environment.IsDevelopment() && !options.IsConfigured;

    // The id is ours (HttpContext.TraceIdentifier), but it travels in the query string: show it only if it looks like one.
    private static string UntrustedId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '.') ? id : "(none)";
}
