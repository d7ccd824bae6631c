using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Portal.Tenancy;

namespace Portal.SignIn;

/// <summary>
/// Open circuits check the person's access every minute, so withdrawn access ends there too (A3): no organization
/// left ends the circuit's sign-in; a lost organization makes <see cref="CircuitAccess"/> tell the page.
/// </summary>
internal sealed class RevalidatingAccessStateProvider(ILoggerFactory loggerFactory, IServiceProvider circuitServices)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => PortalAccess.RecheckInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);

        // Resolved here, not injected: CircuitAccess itself reads this provider's state.
        var access = circuitServices.GetRequiredService<CircuitAccess>();
        return !(await access.RefreshAsync(authenticationState.User ?? new ClaimsPrincipal(), cancellationToken)).IsEmpty;
    }
}
