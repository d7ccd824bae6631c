using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.SignIn;

/// <summary>
/// Sign-in sessions kept on the server (the cookie holds only a random reference): signing out deletes the session,
/// so the cookie stops working everywhere at once, and open pages and hub connections, which ask
/// <see cref="IsActiveAsync"/> every recheck, end too. The database makes that true for every instance.
/// </summary>
internal sealed partial class SignInSessions(
    IDbContextFactory<PortalDbContext> dbFactory, IDataProtectionProvider protection, TimeProvider time, ILogger<SignInSessions> logger)
    : ITicketStore, ISessionValidity
{
    public const string Purpose = "Portal.SignIn.Sessions.v1";

    /// <summary>
    /// The session a principal came with, added when its ticket is read back (the cookie handler keeps its own
    /// session-id claim only in the cookie's ticket, not in the principal it hands on).
    /// </summary>
    public const string SessionKeyClaim = "urn:portal:session";

    private readonly IDataProtector protector = protection.CreateProtector(Purpose);

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var absolute = now + SignInRegistration.AbsoluteTimeout;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Sessions nobody came back to are swept as new ones begin.
        await db.SignInSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        db.SignInSessions.Add(new SignInSession
        {
            KeyHash = Hash(key),
            UserId = ticket.Principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "",
            ProtectedTicket = Protect(ticket),
            ExpiresAt = Earlier(ticket.Properties.ExpiresUtc ?? now + SignInRegistration.IdleTimeout, absolute),
            AbsoluteExpiresAt = absolute,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var session = await db.SignInSessions.FindAsync([Hash(key)], cancellationToken);
        if (session is null)
        {
            return;
        }

        session.ProtectedTicket = Protect(ticket);
        session.ExpiresAt = Earlier(ticket.Properties.ExpiresUtc ?? time.GetUtcNow() + SignInRegistration.IdleTimeout, session.AbsoluteExpiresAt);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var session = await db.SignInSessions.AsNoTracking().FirstOrDefaultAsync(s => s.KeyHash == Hash(key), cancellationToken);
        if (session is null || session.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        try
        {
            var ticket = TicketSerializer.Default.Deserialize(protector.Unprotect(session.ProtectedTicket));
            if (ticket is not null)
            {
                // The row decides how long the session lasts: activity on open pages moves it on too.
                ticket.Properties.ExpiresUtc = session.ExpiresAt;
                if (ticket.Principal.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionKeyClaim))
                {
                    identity.AddClaim(new Claim(SessionKeyClaim, key));
                }
            }

            return ticket;
        }
        catch (CryptographicException exception)
        {
            // A key ring that lost its keys cannot read old sessions: those people sign in again.
            LogUnreadable(exception);
            return null;
        }
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var hash = Hash(key);
        await db.SignInSessions.Where(s => s.KeyHash == hash).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// True while the session <paramref name="user"/> came with is open. A principal that came with no session
    /// reference (none in this app's cookies has none) has nothing to end.
    /// </summary>
    public async Task<bool> IsActiveAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindFirst(SessionKeyClaim)?.Value is not { } key)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var hash = Hash(key);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SignInSessions.AnyAsync(s => s.KeyHash == hash && s.ExpiresAt > now, cancellationToken);
    }

    public async Task KeepAliveAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindFirst(SessionKeyClaim)?.Value is not { } key)
        {
            return;
        }

        var now = time.GetUtcNow();
        var hash = Hash(key);
        var until = now + SignInRegistration.IdleTimeout;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.SignInSessions.Where(s => s.KeyHash == hash && s.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.ExpiresAt, s => s.AbsoluteExpiresAt < until ? s.AbsoluteExpiresAt : until), cancellationToken);
    }

    // Stored without the session reference itself: the database never holds a usable one, even protected.
    private byte[] Protect(AuthenticationTicket ticket)
    {
        var identities = ticket.Principal.Identities.Select(identity =>
            new ClaimsIdentity(identity.Claims.Where(c => c.Type != SessionKeyClaim), identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType));
        var stored = new AuthenticationTicket(new ClaimsPrincipal(identities), ticket.Properties, ticket.AuthenticationScheme);
        return protector.Protect(TicketSerializer.Default.Serialize(stored));
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static DateTimeOffset Earlier(DateTimeOffset first, DateTimeOffset second) => first < second ? first : second;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sign-in session could not be read with the current key ring; that person signs in again")]
    private partial void LogUnreadable(Exception exception);
}
