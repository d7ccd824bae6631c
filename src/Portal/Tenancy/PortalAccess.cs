using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Tenancy;

/// <summary>
/// Decides what a signed-in person sees and changes (design.md §5, reliability.md A3): deny by default; operators
/// (<c>SignIn:OperatorUserIds</c>, or the local developer in Development) see and change everything; anyone else
/// sees the organizations Sentry listed for them at sign-in — by id — that have installed the app, and changes
/// things only where their Sentry role may manage integrations. Worked out again on every check, so an uninstall
/// or a removed operator takes effect without a new sign-in.
/// </summary>
internal sealed class PortalAccess(IDbContextFactory<PortalDbContext> dbFactory, ISessionValidity sessions, IOptionsMonitor<AccessOptions> options)
{
    public const string PolicyName = "PortalAccess";

    /// <summary>How often open circuits and hub connections work a person's access out again (reliability.md A3).</summary>
    public TimeSpan RecheckInterval => options.CurrentValue.RecheckInterval;

    /// <summary>The scope of the person a component renders for (its cascading authentication state; none: nobody).</summary>
    public async Task<AccessScope> ScopeOfAsync(Task<AuthenticationState>? authentication, CancellationToken cancellationToken) =>
        authentication is null ? AccessScope.None : await ScopeOfAsync((await authentication).User, cancellationToken);

    public async Task<AccessScope> ScopeOfAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        // A signed-out or expired session sees nothing, whatever it saw when the page or connection opened.
        if (user.Identity?.IsAuthenticated != true || !await sessions.IsActiveAsync(user, cancellationToken))
        {
            return AccessScope.None;
        }

        if (IsOperator(user))
        {
            return AccessScope.Everything;
        }

        var memberships = user.FindAll(SentryClaimTypes.Organization)
            .Select(c => long.TryParse(c.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0)
            .Distinct()
            .ToList();
        if (memberships.Count == 0)
        {
            return AccessScope.None;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installed = await db.Installations.AsNoTracking()
            .Where(i => i.Status != InstallationStatus.Uninstalled && i.OrganizationId != null && memberships.Contains(i.OrganizationId.Value))
            .Select(i => i.OrganizationId!.Value)
            .Distinct()
            .ToListAsync(cancellationToken);
        if (installed.Count == 0)
        {
            return AccessScope.None;
        }

        var roles = RolesOf(user);
        var managers = options.CurrentValue.EffectiveManagerRoles;
        return AccessScope.Of(installed.Select(id => KeyValuePair.Create(id,
            roles.TryGetValue(id, out var role) && managers.Contains(role, StringComparer.OrdinalIgnoreCase) ? OrganizationAccess.Manage : OrganizationAccess.Read)));
    }

    /// <summary>The person's role in each organization, as Sentry told it at sign-in (<c>42:manager</c> claims).</summary>
    public static Dictionary<long, string> RolesOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roles = new Dictionary<long, string>();
        foreach (var claim in user.FindAll(SentryClaimTypes.OrganizationRole))
        {
            var separator = claim.Value.IndexOf(':', StringComparison.Ordinal);
            if (separator > 0 && long.TryParse(claim.Value.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                roles[id] = claim.Value[(separator + 1)..];
            }
        }

        return roles;
    }

    // The operator claim is only a hint from sign-in time: the configuration decides now.
    private bool IsOperator(ClaimsPrincipal user)
    {
        if (user.FindFirst(SentryClaimTypes.Operator)?.Value != "true")
        {
            return false;
        }

        var id = user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var current = options.CurrentValue;
        return id == SentryClaimTypes.LocalDeveloperId
            ? current.LocalDeveloperIsOperator
            : long.TryParse(id, out var userId) && current.OperatorUserIds.Contains(userId);
    }
}
