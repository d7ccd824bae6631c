using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;
using Portal.SentryPlatform.Payloads;

namespace Portal.Installations;

/// <summary>
/// The access token for every call the portal makes for an installation (reliability.md O3–O5). It refreshes
/// when under <see cref="RefreshMargin"/> remains or after Sentry rejected the token; one refresh at a time per
/// installation — <see cref="TokenRefreshLocks"/> in this process, a lease written with optimistic concurrency
/// across processes — because Sentry deletes the old pair on every refresh. A refresh whose answer was lost is
/// recovered with the JWT-bearer manual refresh; failing that the installation needs reauthorization.
/// </summary>
internal sealed partial class InstallationTokens(
    IDbContextFactory<PortalDbContext> dbFactory,
    SentryApiClient sentry,
    InstallationTokenProtector protector,
    TokenRefreshLocks locks,
    InstallationMetrics metrics,
    TimeProvider time,
    ILogger<InstallationTokens> logger)
{
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(10);

    /// <summary>How long another process leaves a refresh alone before assuming its refresher died.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan LeasePoll = TimeSpan.FromMilliseconds(200);

    /// <summary>A token that is valid for at least <see cref="RefreshMargin"/> (or does not expire).</summary>
    public async Task<string> GetAccessTokenAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        var installation = await ReadAsync(installationUuid, cancellationToken);
        var token = UsableToken(installation);
        return NeedsRefresh(installation) ? await RefreshAsync(installationUuid, NeedsRefresh, cancellationToken) : token;
    }

    /// <summary>Refreshes now, whatever the expiry (an admin's "refresh now"); a refresh that lands meanwhile counts.</summary>
    public async Task RefreshNowAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        var installation = await ReadAsync(installationUuid, cancellationToken);
        UsableToken(installation);
        if (installation.Kind == InstallationKind.Public)
        {
            // The stored pair changes exactly when a new one is saved.
            var pair = installation.ProtectedRefreshToken;
            await RefreshAsync(installationUuid, row => row.ProtectedRefreshToken == pair, cancellationToken);

            // A refresh that could not reach Sentry keeps the still-valid token in use; the admin asked for a new one.
            var after = await ReadAsync(installationUuid, cancellationToken);
            if (after.ProtectedRefreshToken == pair)
            {
                throw new InstallationUnavailableException(installationUuid, $"kept its current token: {after.LastRefreshError ?? "the refresh did not complete"}");
            }
        }
    }

    /// <summary>Sentry answered 401 to <paramref name="rejectedToken"/>: refresh unless someone already replaced it.</summary>
    public async Task<string> ReplaceRejectedTokenAsync(Guid installationUuid, string rejectedToken, CancellationToken cancellationToken)
    {
        var installation = await ReadAsync(installationUuid, cancellationToken);
        if (installation.Kind == InstallationKind.Internal)
        {
            LogInternalTokenRejected(installationUuid);
            throw new InstallationUnavailableException(installationUuid,
                "is an internal integration whose token Sentry rejected; put a valid token in Sentry:InternalIntegration:Token.");
        }

        return await RefreshAsync(installationUuid, row => protector.TryUnprotect(row.ProtectedAccessToken) == rejectedToken, cancellationToken);
    }

    private async Task<string> RefreshAsync(Guid installationUuid, Func<Installation, bool> stillNeeded, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken)
                ?? throw new InstallationUnavailableException(installationUuid, "is not known to the portal.");
            var token = UsableToken(installation);
            if (!stillNeeded(installation))
            {
                // Somebody refreshed while this caller waited for the lock: theirs is the pair to use.
                return token;
            }

            var now = time.GetUtcNow();
            if (installation.RefreshLeaseUntil > now)
            {
                await Task.Delay(LeasePoll, cancellationToken);
                continue;
            }

            installation.RefreshLeaseUntil = now + LeaseDuration;
            installation.ConcurrencyToken = Guid.NewGuid();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another process took the lease (or changed the row) first: look again.
                continue;
            }

            return await RefreshLeasedAsync(db, installation, token, cancellationToken);
        }
    }

    private async Task<string> RefreshLeasedAsync(PortalDbContext db, Installation installation, string currentToken, CancellationToken cancellationToken)
    {
        var uuid = installation.Uuid;
        SentryTokenGrant grant;
        bool recovered;
        try
        {
            var refreshToken = protector.TryUnprotect(installation.ProtectedRefreshToken) ?? "";
            (grant, recovered) = await RefreshOrRecoverAsync(uuid, refreshToken, cancellationToken);
        }
        catch (SentryApiException exception) when (IsFinal(exception))
        {
            metrics.Refreshed("needs_reauthorization");
            installation.NeedReauthorization(exception.Message);
            await db.SaveChangesAsync(CancellationToken.None);
            LogNeedsReauthorization(uuid, installation.OrganizationId, exception.Message);
            throw new InstallationUnavailableException(uuid,
                "needs to be reauthorized: Sentry refused every way of refreshing its token. Reinstall the app from Sentry.", exception);
        }
        catch (Exception exception) when (exception is SentryApiException or OperationCanceledException)
        {
            // Nothing rotated that we know of: free the lease, and keep using the current token while it is still valid.
            if (exception is SentryApiException)
            {
                metrics.Refreshed("failed");
            }

            installation.LastRefreshError = ErrorText.Truncate(exception.Message);
            installation.RefreshLeaseUntil = null;
            installation.ConcurrencyToken = Guid.NewGuid();
            await db.SaveChangesAsync(CancellationToken.None);
            if (exception is SentryApiException && installation.TokenExpiresAt > time.GetUtcNow())
            {
                LogRefreshPostponed(uuid, exception.Message);
                return currentToken;
            }

            throw;
        }

        // Sentry has already deleted the old pair: the new one is saved whatever the caller's cancellation says.
        installation.ProtectedAccessToken = protector.Protect(grant.Token);
        installation.ProtectedRefreshToken = protector.Protect(grant.RefreshToken);
        installation.TokenExpiresAt = grant.ExpiresAt;
        installation.LastRefreshedAt = time.GetUtcNow();
        installation.LastRefreshError = null;
        installation.RefreshLeaseUntil = null;
        installation.ConcurrencyToken = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException exception)
        {
            // Only an uninstall touches a leased row; the new pair belongs to an installation that is gone.
            throw new InstallationUnavailableException(uuid, "changed while its token was being refreshed (it was probably uninstalled).", exception);
        }

        metrics.Refreshed(recovered ? "recovered" : "refreshed");
        LogRefreshed(uuid, grant.ExpiresAt);
        return grant.Token;
    }

    // Recovered: the pair came from the JWT manual refresh, because the refresh token was gone.
    private async Task<(SentryTokenGrant Grant, bool Recovered)> RefreshOrRecoverAsync(Guid uuid, string refreshToken, CancellationToken cancellationToken)
    {
        try
        {
            return (await sentry.RefreshAsync(uuid, refreshToken, cancellationToken), false);
        }
        catch (SentryApiException exception) when (exception.IsUnauthorized)
        {
            // "Given refresh token does not exist": an earlier refresh rotated the pair and its answer never arrived.
            return (await RecoverAsync(uuid, exception, cancellationToken), true);
        }
        catch (SentryApiException exception) when (!IsFinal(exception) && exception.Failure != SentryApiFailure.RateLimited)
        {
            // No answer, or a 5xx: Sentry may have rotated the pair anyway. Asking again tells which.
            LogRefreshAnswerLost(uuid, exception.Message);
            try
            {
                return (await sentry.RefreshAsync(uuid, refreshToken, cancellationToken), false);
            }
            catch (SentryApiException again) when (again.IsUnauthorized)
            {
                return (await RecoverAsync(uuid, again, cancellationToken), true);
            }
        }
    }

    private async Task<SentryTokenGrant> RecoverAsync(Guid uuid, SentryApiException refused, CancellationToken cancellationToken)
    {
        LogRecovering(uuid, refused.Message);
        return await sentry.RefreshWithJwtAsync(uuid, cancellationToken);
    }

    // A 4xx other than 429 will not change by asking again; anything else (no answer, 5xx, rate limit) might.
    private static bool IsFinal(SentryApiException exception) =>
        exception is { Failure: SentryApiFailure.Refused, StatusCode: { } status } && (int)status is >= 400 and < 500;

    private bool NeedsRefresh(Installation installation) =>
        installation.Kind == InstallationKind.Public
        && installation.TokenExpiresAt is { } expiresAt
        && expiresAt - time.GetUtcNow() < RefreshMargin;

    private string UsableToken(Installation installation) =>
        installation.Status switch
        {
            InstallationStatus.Uninstalled => throw new InstallationUnavailableException(installation.Uuid, "was uninstalled; the portal no longer calls Sentry for it."),
            InstallationStatus.NeedsReauthorization => throw new InstallationUnavailableException(installation.Uuid, "needs to be reauthorized: reinstall the app from Sentry."),
            _ when installation.ProtectedAccessToken is null => throw new InstallationUnavailableException(installation.Uuid, "holds no token yet: the installation has not been completed."),
            _ => protector.TryUnprotect(installation.ProtectedAccessToken)
                ?? throw new InstallationUnavailableException(installation.Uuid,
                    "has a stored token the portal cannot decrypt: the Data Protection key ring (Portal:DataProtectionKeysPath) is not the one it was stored with."),
        };

    private async Task<Installation> ReadAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Installations.AsNoTracking().SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken)
            ?? throw new InstallationUnavailableException(installationUuid, "is not known to the portal.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the token of installation {InstallationUuid}; it expires at {ExpiresAt}")]
    private partial void LogRefreshed(Guid installationUuid, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the token of installation {InstallationUuid} failed ({Reason}); the current token stays in use until it expires")]
    private partial void LogRefreshPostponed(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The refresh of installation {InstallationUuid} got no usable answer ({Reason}); asking Sentry again")]
    private partial void LogRefreshAnswerLost(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry no longer knows the refresh token of installation {InstallationUuid} ({Reason}); recovering with the manual JWT refresh")]
    private partial void LogRecovering(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Installation {InstallationUuid} of organization {OrganizationId} needs to be reauthorized: {Reason}. Reinstall the app from Sentry")]
    private partial void LogNeedsReauthorization(Guid installationUuid, long? organizationId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sentry rejected the token of internal integration {InstallationUuid}; set a valid Sentry:InternalIntegration:Token")]
    private partial void LogInternalTokenRejected(Guid installationUuid);
}
