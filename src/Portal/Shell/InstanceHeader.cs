using Microsoft.Extensions.Options;

namespace Portal.Shell;

/// <summary>
/// <c>X-Portal-Instance: {Portal:InstanceName}</c> (by default the machine's name) on every response, so an operator
/// behind a load balancer can tell which instance answered (and check that sessions stick).
/// </summary>
internal sealed class InstanceHeader(RequestDelegate next, IOptions<PortalOptions> options)
{
    public const string HeaderName = "X-Portal-Instance";

    private readonly string name = options.Value.ResolvedInstanceName;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers[HeaderName] = name;
        return next(context);
    }
}
