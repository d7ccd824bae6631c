using Microsoft.AspNetCore.Authorization;

namespace Portal.Tenancy;

internal sealed class PortalAccessHandler(PortalAccess access) : AuthorizationHandler<PortalAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PortalAccessRequirement requirement)
    {
        var cancellationToken = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        if (!(await access.ScopeOfAsync(context.User, cancellationToken)).IsEmpty)
        {
            context.Succeed(requirement);
        }
    }
}
