using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.StacktraceLinks;

namespace Portal.Shell;

/// <summary>
/// Per-address fixed windows on the endpoints an anonymous browser can call (reliability.md I6): the stack-frame
/// redirect, the installation redirect and sign-in, each purpose with its own bucket, so a burst at one does not
/// lock a person out of the other. Behind a reverse proxy the address is the client's only when the proxy is
/// trusted (<see cref="TrustedProxies"/>). Browsers are told to slow down (429 + Retry-After), not that the portal
/// is down (the framework's default 503). Sentry's server-to-server routes are never counted: a valid signature
/// must not be refused for volume.
/// </summary>
internal static class BrowserRateLimits
{
    public const string StacktraceLink = "stacktrace-link";
    public const string InstallationRedirect = "installation-redirect";
    public const string SignIn = "sign-in";

    public static IHostApplicationBuilder AddBrowserRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(StacktraceLink, context =>
                PerAddress(context, context.RequestServices.GetRequiredService<IOptions<StacktraceLinkOptions>>().Value.PermitsPerMinute));
            limiter.AddPolicy(InstallationRedirect, context => PerAddress(context, AnonymousRequestsPerMinute(context)));
            limiter.AddPolicy(SignIn, context => PerAddress(context, AnonymousRequestsPerMinute(context)));
        });
        return builder;
    }

    private static int AnonymousRequestsPerMinute(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value.AnonymousRequestsPerMinute;

    // Each policy keeps its own partitions: the same address is a separate bucket in each.
    private static RateLimitPartition<string> PerAddress(HttpContext context, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
