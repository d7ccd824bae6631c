using System.Security.Claims;

namespace Portal.Tenancy;

/// <summary>
/// Whether a signed-in person's session is still open, asked wherever access is worked out again (open pages, hub
/// connections), so a sign-out or an expired session ends them too. Sign-in implements it.
/// </summary>
public interface ISessionValidity
{
    Task<bool> IsActiveAsync(ClaimsPrincipal user, CancellationToken cancellationToken);

    /// <summary>The person is using an open page: their session's idle timeout starts again, as a request would.</summary>
    Task KeepAliveAsync(ClaimsPrincipal user, CancellationToken cancellationToken);
}
