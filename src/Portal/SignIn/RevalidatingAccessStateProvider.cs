using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Portal.Tenancy;

namespace Portal.SignIn;

/// <summary>
/// Open circuits check the person's access every recheck (a minute by default), so withdrawn access ends there too
/// (A3): a signed-out or expired session, or no organization left, ends the circuit's sign-in; a lost organization
/// makes <see cref="CircuitAccess"/> tell the page. A page in use keeps its session alive meanwhile.
/// </summary>
internal sealed class RevalidatingAccessStateProvider(
    ILoggerFactory loggerFactory, IServiceProvider circuitServices, ISessionValidity sessions, CircuitActivity activity, PortalAccess access, TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private DateTimeOffset lastCheck = time.GetUtcNow();

    protected override TimeSpan RevalidationInterval => access.RecheckInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        var user = authenticationState.User ?? new ClaimsPrincipal();
        if (activity.LastActivity > lastCheck)
        {
            await sessions.KeepAliveAsync(user, cancellationToken);
        }

        lastCheck = time.GetUtcNow();

        // Resolved here, not injected: CircuitAccess itself reads this provider's state.
        return !(await circuitServices.GetRequiredService<CircuitAccess>().RefreshAsync(user, cancellationToken)).IsEmpty;
    }
}
