using Microsoft.AspNetCore.Mvc;

namespace Portal.SentryPlatform;

public static class SentryRouteExtensions
{
    /// <summary>Where the routes Sentry's servers call live; the schema names them by their full path.</summary>
    public const string GroupPrefix = "/sentry";

    /// <summary>A full path such as <c>/sentry/issue-link/create</c> as a route inside the group.</summary>
    public static string InGroup(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith(GroupPrefix + "/", StringComparison.Ordinal)
            ? path[GroupPrefix.Length..]
            : throw new ArgumentException($"{path} is not under {GroupPrefix}/.", nameof(path));
    }

    /// <summary>
    /// Marks the group as called by Sentry's servers: HMAC-checked by <see cref="SentrySignatureFilter"/>, anonymous
    /// (no cookie), no antiforgery, and no status-code pages, so a 401 reaches Sentry as a 401. The routes are
    /// short-circuited: routing runs them at once, skipping the browser middleware (cookies, authorization,
    /// antiforgery, status-code pages, security headers) that a server-to-server JSON call never needs.
    /// </summary>
    public static RouteGroupBuilder RequireSentrySignature(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.AddEndpointFilter<SentrySignatureFilter>();
        group.WithMetadata(new SkipStatusCodePagesAttribute());
        group.AllowAnonymous();
        group.DisableAntiforgery();
        group.ShortCircuit();
        return group;
    }

    /// <summary>The signature this route expects and the largest body it reads.</summary>
    public static RouteHandlerBuilder SignedBy(this RouteHandlerBuilder route, SentrySignatureScheme scheme, int maxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route.WithMetadata(new SentryCallerMetadata(scheme, maxBodyBytes));
    }
}
