using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.SignIn;

/// <summary>
/// Decides what a signed-in person sees (design.md §5, reliability.md A3): deny by default; operators
/// (<c>SignIn:OperatorUserIds</c>, or the local developer in Development) see everything; anyone else sees the
/// organizations Sentry said they belong to at sign-in that have installed the app — worked out again on every
/// check, so an uninstall or a removed operator takes effect without a new sign-in.
/// </summary>
internal sealed class PortalAccess(IDbContextFactory<PortalDbContext> dbFactory, IOptionsMonitor<SignInOptions> signIn, IHostEnvironment environment)
{
    public const string PolicyName = "PortalAccess";

    /// <summary>The scope of the person a component renders for (its cascading authentication state; none: nobody).</summary>
    public async Task<AccessScope> ScopeOfAsync(Task<AuthenticationState>? authentication, CancellationToken cancellationToken) =>
        authentication is null ? AccessScope.None : await ScopeOfAsync((await authentication).User, cancellationToken);

    public async Task<AccessScope> ScopeOfAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return AccessScope.None;
        }

        if (IsOperator(user))
        {
            return AccessScope.Everything;
        }

        var memberships = user.FindAll(SentryClaimTypes.Organization).Select(c => c.Value).Distinct().ToList();
        if (memberships.Count == 0)
        {
            return AccessScope.None;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installed = await db.Installations.AsNoTracking()
            .Where(i => i.Status != InstallationStatus.Uninstalled && memberships.Contains(i.OrganizationSlug))
            .Select(i => i.OrganizationSlug)
            .Distinct()
            .ToListAsync(cancellationToken);
        return installed.Count == 0 ? AccessScope.None : new AccessScope(false, installed.ToHashSet(StringComparer.Ordinal));
    }

    // The operator claim is only a hint from sign-in time: the configuration decides now.
    private bool IsOperator(ClaimsPrincipal user)
    {
        if (user.FindFirst(SentryClaimTypes.Operator)?.Value != "true")
        {
            return false;
        }

        var id = user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var options = signIn.CurrentValue;
        return id == SignInEndpoints.LocalUserId
            ? environment.IsDevelopment() && !options.IsConfigured
            : long.TryParse(id, out var userId) && options.OperatorUserIds.Contains(userId);
    }
}

/// <summary>The fallback policy's requirement: a signed-in person who may see at least one organization.</summary>
internal sealed class PortalAccessRequirement : IAuthorizationRequirement;

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
