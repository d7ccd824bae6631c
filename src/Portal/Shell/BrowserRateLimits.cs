using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.StacktraceLinks;

namespace Portal.Shell;

/// <summary>
/// Per-address fixed windows on the endpoints an anonymous browser can call (reliability.md I6): the stack-frame
/// redirect, the installation redirect and the start of sign-in. Browsers are told to slow down (429 +
/// Retry-After), not that the portal is down (the framework's default 503). Sentry's server-to-server routes are
/// never counted: a valid signature must not be refused for volume.
/// </summary>
internal static class BrowserRateLimits
{
    public const string StacktraceLink = "stacktrace-link";
    public const string Anonymous = "anonymous-browser";

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
            limiter.AddPolicy(Anonymous, context =>
                PerAddress(context, context.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value.AnonymousRequestsPerMinute));
        });
        return builder;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
