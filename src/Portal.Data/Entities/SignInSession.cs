namespace Portal.Data.Entities;

/// <summary>
/// One signed-in browser (the cookie carries only a reference to it): ending the row ends the session everywhere,
/// for every instance, for open pages and hub connections too. The sign-in's claims are kept protected.
/// </summary>
public sealed class SignInSession
{
    /// <summary>SHA-256 of the random key the cookie carries: the database never holds a usable session reference.</summary>
    public required byte[] KeyHash { get; init; }

    /// <summary>The signed-in person's id (a Sentry user id, or the local developer's).</summary>
    public required string UserId { get; init; }

    /// <summary>The authentication ticket, serialised and protected with ASP.NET Core Data Protection.</summary>
    public required byte[] ProtectedTicket { get; set; }

    /// <summary>When the session ends unless used again (idle timeout, sliding with activity).</summary>
    public required DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it ends whatever happens (the absolute timeout).</summary>
    public required DateTimeOffset AbsoluteExpiresAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
