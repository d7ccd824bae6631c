using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Portal.SentryPlatform;
using Portal.Shell;
using Portal.Tenancy;

namespace Portal.SignIn;

internal static partial class SignInRegistration
{
    /// <summary>Sessions end after 30 idle minutes and 8 hours at most (reliability.md A4).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(8);

    private const string SignedInAtKey = ".portal.signed-in-at";

    /// <summary>The session cookie and, when <c>SignIn:*</c> is set, "Sign in with Sentry".</summary>
    public static IHostApplicationBuilder AddSentrySignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<SignInOptions>().BindConfiguration(SignInOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<SignInOptions>, SignInOptionsValidator>();
        var development = builder.Environment.IsDevelopment();
        var signIn = builder.Configuration.GetSection(SignInOptions.SectionName).Get<SignInOptions>() ?? new SignInOptions();

        var authentication = builder.Services
            .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                // __Host- needs Secure, which plain-http Development cannot have (design.md §5).
                options.Cookie.Name = development ? "portal.session" : "__Host-portal.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                options.Cookie.Path = "/";
                options.ExpireTimeSpan = IdleTimeout;
                options.SlidingExpiration = true;
                options.LoginPath = "/signin";
                options.AccessDeniedPath = "/signin/no-access";
                options.Events.OnSigningIn = context =>
                {
                    context.Properties.Items.TryAdd(SignedInAtKey, Now(context.Options).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return Task.CompletedTask;
                };
                options.Events.OnValidatePrincipal = EndExpiredSessionAsync;

                // A hub client is not a browser: it gets a status, not a redirect to the sign-in page.
                options.Events.OnRedirectToLogin = context => AnswerHubOrRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => AnswerHubOrRedirect(context, StatusCodes.Status403Forbidden);
            });

        if (signIn.IsConfigured)
        {
            authentication.AddSentry(_ => { });
            builder.Services.AddOptions<SentryAuthenticationOptions>(SentryAuthenticationDefaults.AuthenticationScheme)
                .Configure<IOptions<SentryOptions>, IOptions<SignInOptions>, IOptionsMonitor<AccessOptions>>((options, sentry, signInOptions, access) =>
                    ConfigureSentry(options, sentry.Value, signInOptions.Value, access, development));
        }

        // The local developer exists only in Development without SignIn:*, and is an operator only then.
        builder.Services.AddOptions<AccessOptions>().PostConfigure<IOptions<SignInOptions>>((access, signInOptions) =>
            access.LocalDeveloperIsOperator = development && !signInOptions.Value.IsConfigured);
        // Sessions live on the server: signing out ends them everywhere, and open pages and hubs notice.
        builder.Services.AddSingleton<SignInSessions>();
        builder.Services.AddSingleton<ISessionValidity>(services => services.GetRequiredService<SignInSessions>());
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<SignInSessions>((options, sessions) => options.SessionStore = sessions);
        builder.Services.AddScoped<CircuitActivity>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(services => services.GetRequiredService<CircuitActivity>());
        builder.Services.AddPerAddressLimit(SignInEndpoints.RateLimit, BrowserRateLimits.AnonymousRequestsPerMinute);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, RevalidatingAccessStateProvider>();
        return builder;
    }

    private static void ConfigureSentry(SentryAuthenticationOptions options, SentryOptions sentry, SignInOptions signIn, IOptionsMonitor<AccessOptions> access, bool development)
    {
        var baseUrl = sentry.BaseUrl.ToString().TrimEnd('/') + "/";
        options.ClientId = signIn.ClientId!;
        options.ClientSecret = signIn.ClientSecret!;
        options.AuthorizationEndpoint = baseUrl + SentryAuthenticationDefaults.AuthorizationEndpointPath;
        options.TokenEndpoint = baseUrl + SentryAuthenticationDefaults.TokenEndpointPath;
        options.OrganizationsEndpoint = baseUrl + SentryAuthenticationDefaults.OrganizationsEndpointPath;
        options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;

        // The callback is a top-level GET from Sentry: Lax lets the correlation cookie come along (reliability.md A2).
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        options.Events.OnCreatingTicket = async context =>
        {
            if (long.TryParse(context.Identity?.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var userId) && access.CurrentValue.OperatorUserIds.Contains(userId))
            {
                context.Identity!.AddClaim(new Claim(SentryClaimTypes.Operator, "true"));
            }

            // Whoever keeps track of people hears of this one (tickets offer them as assignees).
            if (context.Identity is { } identity && identity.FindFirst(ClaimTypes.NameIdentifier)?.Value is { } id)
            {
                var person = new SignedInPerson(id, identity.FindFirst(ClaimTypes.Name)?.Value ?? id, [.. identity.FindAll(SentryClaimTypes.Organization)
                    .Select(c => long.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture))]);
                foreach (var listener in context.HttpContext.RequestServices.GetServices<ISignInListener>())
                {
                    await listener.SignedInAsync(person, context.HttpContext.RequestAborted);
                }
            }
        };
        options.Events.OnRemoteFailure = ReportRemoteFailureAsync;
        options.Events.OnAccessDenied = context =>
        {
            context.Response.Redirect($"/signin/failed?reason=denied&id={Uri.EscapeDataString(context.HttpContext.TraceIdentifier)}");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    // Every remote failure (denied, tampered or expired state, missing correlation cookie, token error) ends on a
    // page with a correlation id; the log names the kind of failure but never the code, state or a token (A6).
    private static Task ReportRemoteFailureAsync(RemoteFailureContext context)
    {
        var kind = context.Failure switch
        {
            _ when context.Request.Query.ContainsKey("error") && context.Request.Query["error"] == "access_denied" => "denied",
            { Message: var message } when message.Contains("Correlation", StringComparison.OrdinalIgnoreCase) => "correlation",
            { Message: var message } when message.Contains("state", StringComparison.OrdinalIgnoreCase) => "state",
            _ => "sentry",
        };
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRegistration));
        LogRemoteFailure(logger, kind, context.HttpContext.TraceIdentifier);
        context.Response.Redirect($"/signin/failed?reason={kind}&id={Uri.EscapeDataString(context.HttpContext.TraceIdentifier)}");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    private static Task AnswerHubOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    private static async Task EndExpiredSessionAsync(CookieValidatePrincipalContext context)
    {
        if (context.Properties.Items.TryGetValue(SignedInAtKey, out var value)
            && long.TryParse(value, out var seconds)
            && Now(context.Options) - DateTimeOffset.FromUnixTimeSeconds(seconds) > AbsoluteTimeout)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    // The handler's own clock (the host's TimeProvider), so tests that move time move sessions too.
    private static DateTimeOffset Now(CookieAuthenticationOptions options) => (options.TimeProvider ?? TimeProvider.System).GetUtcNow();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign in with Sentry failed ({Kind}); correlation id {CorrelationId}")]
    private static partial void LogRemoteFailure(ILogger logger, string kind, string correlationId);
}
