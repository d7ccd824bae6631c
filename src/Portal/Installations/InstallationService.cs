using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;
using Portal.SentryPlatform.Payloads;
using Portal.Tenancy;

namespace Portal.Installations;

/// <summary>
/// Completes an installation from its grant code. The code arrives twice — in the installer's redirect and in
/// <c>installation.created</c> — and works once (sentry-contract.md §1.4), so both paths come here and the
/// exchange happens exactly once: serialised per installation in this process by
/// <see cref="InstallationLifecycleLocks"/>, and a refused code counts as success when the tokens are already
/// stored (reliability.md O1). Tokens are stored the moment Sentry issues them, before verification, because the
/// spent code cannot be exchanged again.
/// </summary>
internal sealed partial class InstallationService(
    IDbContextFactory<PortalDbContext> dbFactory,
    SentryApiClient sentry,
    InstallationTokenProtector protector,
    InstallationVerifier verifier,
    InstallationLifecycleLocks locks,
    InstallationRecords records,
    InstallationOrganizations organizations,
    OrganizationDirectory directory,
    IOptions<SentryOptions> options,
    TimeProvider time,
    ILogger<InstallationService> logger)
{
    public async Task<SetupOutcome> CompleteAsync(Guid installationUuid, string code, InstallationFacts? facts, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is not null && facts is not null)
        {
            await RecordFactsAsync(db, installation, facts, cancellationToken);
        }

        var codeHash = SHA256.HashData(Encoding.UTF8.GetBytes(code));
        if (installation?.ProtectedAccessToken is not null || installation?.Status == InstallationStatus.Uninstalled)
        {
            // Only the code this installation was completed with may send a browser back to the organization's
            // settings: any other code learns nothing, not even which organization installed (reliability.md O2).
            if (!IsCodeOf(installation, codeHash))
            {
                return new SetupOutcome(SetupResult.CodeRejected);
            }

            if (installation.Status == InstallationStatus.Pending && installation.ProtectedAccessToken is { } stored
                && protector.TryUnprotect(stored) is { } token)
            {
                // Whoever exchanged this code stopped before Sentry confirmed it (an instance killed or restarted
                // mid-install): confirm now, so the retried delivery or reloaded page ends installed rather than
                // waiting for the verifier's next round.
                return await ConfirmAsync(db, installation, token);
            }

            return installation.Status == InstallationStatus.Uninstalled ? new SetupOutcome(SetupResult.Uninstalled) : Completed(installation);
        }

        SentryTokenGrant grant;
        try
        {
            grant = await sentry.ExchangeGrantAsync(installationUuid, code, cancellationToken);
        }
        catch (SentryApiException exception)
        {
            return await RefusedAsync(installationUuid, codeHash, exception, cancellationToken);
        }

        installation = await StoreTokensAsync(db, installation, installationUuid, grant, facts, codeHash);
        LogExchanged(installationUuid);
        return await ConfirmAsync(db, installation, grant.Token);
    }

    private async Task<SetupOutcome> ConfirmAsync(PortalDbContext db, Installation installation, string accessToken)
    {
        var verificationError = await verifier.ConfirmNewAsync(db, installation, accessToken, CancellationToken.None);
        return verificationError is null
            ? new SetupOutcome(SetupResult.Installed, directory.SlugOf(installation.OrganizationId), installation.AppSlug)
            : new SetupOutcome(SetupResult.VerificationFailed, directory.SlugOf(installation.OrganizationId), installation.AppSlug, verificationError);
    }

    /// <summary>Records what a signed <c>installation.created</c> says when it carries no code (a retry after the exchange).</summary>
    public async Task RecordAsync(Guid installationUuid, InstallationFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        await using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is null)
        {
            db.Installations.Add(installation = NewInstallation(installationUuid));
            await records.ApplyAsync(db, installation, facts, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            LogRecorded(installationUuid, installation.OrganizationId);
            return;
        }

        await RecordFactsAsync(db, installation, facts, cancellationToken);
    }

    /// <summary><c>installation.deleted</c>: the tokens go at once (reliability.md O7); the row stays for history.</summary>
    public async Task UninstallAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is null || installation.Status == InstallationStatus.Uninstalled)
        {
            return;
        }

        installation.Uninstall(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        LogUninstalled(installationUuid, installation.OrganizationId);
    }

    /// <summary>
    /// A grant code Sentry refused and no tokens held: the installation cannot call Sentry until reinstalled. False
    /// when that is not so (tokens were stored meanwhile, or it was uninstalled).
    /// </summary>
    public async Task<bool> RecordUnusableCodeAsync(Guid installationUuid, InstallationFacts facts, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        await using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is null)
        {
            installation = NewInstallation(installationUuid);
            db.Installations.Add(installation);
            await records.ApplyAsync(db, installation, facts, cancellationToken);
        }

        if (installation.ProtectedAccessToken is not null || installation.Status == InstallationStatus.Uninstalled)
        {
            return false;
        }

        installation.NeedReauthorization(reason);
        await db.SaveChangesAsync(cancellationToken);
        LogUnusableCode(installationUuid, reason);
        return true;
    }

    private async Task<SetupOutcome> RefusedAsync(Guid installationUuid, byte[] codeHash, SentryApiException exception, CancellationToken cancellationToken)
    {
        if (exception.Failure is SentryApiFailure.Unreachable or SentryApiFailure.RateLimited or SentryApiFailure.UnexpectedAnswer
            || (int?)exception.StatusCode >= 500)
        {
            LogSentryUnavailable(installationUuid, exception.Message);
            return new SetupOutcome(SetupResult.SentryUnavailable, Detail: exception.Message);
        }

        // Another process may have spent the code a moment ago (Sentry's grant lock): its tokens count as ours.
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var stored = await db.Installations.AsNoTracking().SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
            if (stored?.ProtectedAccessToken is not null)
            {
                return IsCodeOf(stored, codeHash) ? Completed(stored) : new SetupOutcome(SetupResult.CodeRejected);
            }
        }

        var credentials = exception.StatusCode == HttpStatusCode.Forbidden
            || exception.Detail?.Contains("Client ID", StringComparison.OrdinalIgnoreCase) == true;
        if (credentials)
        {
            LogCredentialsRejected(installationUuid, exception.Message);
            return new SetupOutcome(SetupResult.CredentialsRejected, Detail: exception.Message);
        }

        LogCodeRejected(installationUuid, exception.Message);
        return new SetupOutcome(SetupResult.CodeRejected, Detail: exception.Detail ?? exception.Message);
    }

    private async Task<Installation> StoreTokensAsync(
        PortalDbContext db, Installation? installation, Guid installationUuid, SentryTokenGrant grant, InstallationFacts? facts, byte[] codeHash)
    {
        if (installation is null)
        {
            installation = NewInstallation(installationUuid);
            db.Installations.Add(installation);
            if (facts is not null)
            {
                await records.ApplyAsync(db, installation, facts, CancellationToken.None);
            }
        }

        var now = time.GetUtcNow();
        installation.GrantCodeSha256 = codeHash;
        installation.ProtectedAccessToken = protector.Protect(grant.Token);
        installation.ProtectedRefreshToken = protector.Protect(grant.RefreshToken);
        installation.TokenExpiresAt = grant.ExpiresAt;
        installation.LastRefreshedAt = now;
        installation.LastRefreshError = null;
        installation.Status = InstallationStatus.Pending;

        // If the process stops before the verify call just below, the verifier makes it after the restart; not
        // sooner, so it does not race this call.
        installation.NextVerificationAt = now + InstallationVerifier.DelayAfter(1);
        installation.ConcurrencyToken = Guid.NewGuid();

        // The code is spent: these tokens are saved whatever happens to the request that brought them.
        await db.SaveChangesAsync(CancellationToken.None);
        organizations.Remember(installationUuid, installation.OrganizationId);
        return installation;
    }

    private async Task RecordFactsAsync(PortalDbContext db, Installation installation, InstallationFacts facts, CancellationToken cancellationToken)
    {
        if (await records.ApplyAsync(db, installation, facts, cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    // Nothing is known of the organization until Sentry says it (a signed webhook, the verify answer): never the
    // browser's query string, and never an empty placeholder that rows could be keyed on.
    private Installation NewInstallation(Guid installationUuid) => new()
    {
        Uuid = installationUuid,
        AppSlug = options.Value.AppSlug ?? "",
        Kind = InstallationKind.Public,
        Status = InstallationStatus.Pending,
        InstalledAt = time.GetUtcNow(),
    };

    private static bool IsCodeOf(Installation installation, byte[] codeHash) =>
        installation.GrantCodeSha256 is { } stored && CryptographicOperations.FixedTimeEquals(stored, codeHash);

    private SetupOutcome Completed(Installation installation) =>
        installation.Status == InstallationStatus.Installed
            ? new SetupOutcome(SetupResult.AlreadyInstalled, directory.SlugOf(installation.OrganizationId), installation.AppSlug)
            : new SetupOutcome(SetupResult.VerificationFailed, directory.SlugOf(installation.OrganizationId), installation.AppSlug,
                installation.VerificationError ?? "Sentry has not confirmed the installation yet.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Exchanged the grant code of installation {InstallationUuid} for its tokens")]
    private partial void LogExchanged(Guid installationUuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationUuid} of organization {OrganizationId} uninstalled; its tokens were removed")]
    private partial void LogUninstalled(Guid installationUuid, long? organizationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationUuid} recorded for organization {OrganizationId}")]
    private partial void LogRecorded(Guid installationUuid, long? organizationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry refused the grant code of installation {InstallationUuid}: {Reason}")]
    private partial void LogCodeRejected(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sentry refused the portal's credentials while completing installation {InstallationUuid}: {Reason}. Check Sentry:ClientId and Sentry:ClientSecret")]
    private partial void LogCredentialsRejected(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not complete installation {InstallationUuid}: {Reason}")]
    private partial void LogSentryUnavailable(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installation {InstallationUuid} has no usable grant code ({Reason}) and no tokens; it must be reinstalled from Sentry")]
    private partial void LogUnusableCode(Guid installationUuid, string reason);
}
