using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Tenancy;

/// <summary>
/// The signed-in person's access as one page (one Blazor circuit) sees it. Pages read it here rather than keep a
/// scope of their own; the revalidating state provider refreshes it every minute, and <see cref="Lost"/> tells the
/// layout when an organization (or the right to change it) was withdrawn, so open pages stop showing it within a
/// minute of an uninstall.
/// </summary>
internal sealed class CircuitAccess(PortalAccess access, AuthenticationStateProvider authentication)
{
    private AccessScope? current;

    /// <summary>Raised when a refresh finds less access than before.</summary>
    public event Action? Lost;

    /// <summary>The access this circuit works with, worked out on first use.</summary>
    public async Task<AccessScope> GetAsync(CancellationToken cancellationToken) =>
        current ??= await access.ScopeOfAsync((await authentication.GetAuthenticationStateAsync()).User, cancellationToken);

    /// <summary>Works the access out again for <paramref name="user"/>; raises <see cref="Lost"/> when it shrank.</summary>
    public async Task<AccessScope> RefreshAsync(System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var scope = await access.ScopeOfAsync(user, cancellationToken);
        var previous = current;
        current = scope;
        if (previous is not null && !Within(previous, scope))
        {
            Lost?.Invoke();
        }

        return scope;
    }

    // Whether everything the earlier scope allowed is still allowed (a new organization is no reason to reload).
    private static bool Within(AccessScope earlier, AccessScope now) =>
        now.AllOrganizations
        || (!earlier.AllOrganizations && earlier.OrganizationIds.All(id => now.Includes(id) && (!earlier.CanManage(id) || now.CanManage(id))));
}
