using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Shell;

/// <summary>
/// Per-address fixed windows on the endpoints an anonymous browser can call (reliability.md I6). Each feature adds
/// its own purpose (the stack-frame redirect, the installation redirect, sign-in) with
/// <see cref="AddPerAddressLimit"/>, and each purpose has its own bucket, so a burst at one does not lock a person
/// out of another. Behind a reverse proxy the address is the client's only when the proxy is trusted
/// (<see cref="TrustedProxies"/>). Browsers are told to slow down (429 + Retry-After), not that the portal is down
/// (the framework's default 503). Sentry's server-to-server routes are never counted: a valid signature must not be
/// refused for volume.
/// </summary>
internal static class BrowserRateLimits
{
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
        });
        return builder;
    }

    /// <summary>A policy named <paramref name="policy"/>: <paramref name="permitsPerMinute"/> requests a minute per address.</summary>
    public static IServiceCollection AddPerAddressLimit(this IServiceCollection services, string policy, Func<IServiceProvider, int> permitsPerMinute) =>
        services.Configure<RateLimiterOptions>(limiter =>
            limiter.AddPolicy(policy, context => PerAddress(context, permitsPerMinute(context.RequestServices))));

    /// <summary><c>Portal:AnonymousRequestsPerMinute</c>, the limit of the installation redirect and of sign-in.</summary>
    public static int AnonymousRequestsPerMinute(IServiceProvider services) =>
        services.GetRequiredService<IOptions<PortalOptions>>().Value.AnonymousRequestsPerMinute;

    // Each policy keeps its own partitions: the same address is a separate bucket in each.
    private static RateLimitPartition<string> PerAddress(HttpContext context, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
