using Microsoft.Extensions.Options;

namespace Portal.Shell;

/// <summary>
/// <c>X-Portal-Instance: {Portal:InstanceName}</c> on every response when the name is set, so an operator behind a
/// load balancer can tell which instance answered (and check that sessions stick). Nothing is sent without a name.
/// </summary>
internal sealed class InstanceHeader(RequestDelegate next, IOptions<PortalOptions> options)
{
    public const string HeaderName = "X-Portal-Instance";

    private readonly string? name = options.Value.InstanceName is { Length: > 0 } configured ? configured : null;

    public Task InvokeAsync(HttpContext context)
    {
        if (name is not null)
        {
            context.Response.Headers[HeaderName] = name;
        }

        return next(context);
    }
}
