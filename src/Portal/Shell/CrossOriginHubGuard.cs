using Microsoft.Extensions.Options;

namespace Portal.Shell;

/// <summary>
/// Refuses (403) a browser request from another site to the SignalR endpoints, <c>/hubs/*</c> and Blazor's
/// <c>/_blazor</c>: negotiate, WebSocket, long polling. WebSockets are not covered by CORS, and the session cookie
/// (SameSite=Lax) travels with a cross-site WebSocket handshake, so the <c>Origin</c> header is the check. Allowed:
/// the request's own origin, <c>Portal:PublicBaseUrl</c>'s, and <c>Portal:AllowedOrigins</c>. A request without
/// <c>Origin</c> is not a browser's (the .NET SignalR client sends none) and still needs the session cookie.
/// </summary>
internal sealed class CrossOriginHubGuard(RequestDelegate next, IOptions<PortalOptions> options)
{
    private static readonly PathString[] Guarded = ["/hubs", "/_blazor"];

    private readonly HashSet<string> allowed = [.. AllowedOrigins(options.Value)];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (Array.Exists(Guarded, path => request.Path.StartsWithSegments(path))
            && request.Headers.Origin is { Count: > 0 } origin
            && !IsAllowed(origin.ToString(), request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary><c>scheme://host[:port]</c>, lower case, default port left out; null for anything else (<c>null</c>, a path).</summary>
    public static string? Normalize(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;

    private static IEnumerable<string> AllowedOrigins(PortalOptions options)
    {
        if (options.PublicBaseUrl is { IsAbsoluteUri: true } publicBaseUrl)
        {
            yield return publicBaseUrl.GetLeftPart(UriPartial.Authority);
        }

        foreach (var origin in options.AllowedOrigins)
        {
            // Checked at start-up by PortalOptionsValidator.
            yield return Normalize(origin)!;
        }
    }

    private bool IsAllowed(string origin, HttpRequest request) =>
        Normalize(origin) is { } normalized
        && (allowed.Contains(normalized) || normalized == Normalize($"{request.Scheme}://{request.Host}"));
}
