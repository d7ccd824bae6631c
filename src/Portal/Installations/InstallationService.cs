using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;

namespace Portal.Installations;

/// <summary>
/// Completes an installation from its grant code. The code arrives twice — in the installer's redirect and in
/// <c>installation.created</c> — and works once (sentry-contract.md §1.4), so both paths come here and the
/// exchange happens exactly once: serialised per installation in this process, and a refused code counts as
/// success when the tokens are already stored (reliability.md O1). Tokens are stored the moment Sentry issues
/// them, before verification, because the spent code cannot be exchanged again.
/// </summary>
internal sealed partial class InstallationService(
    IDbContextFactory<PortalDbContext> dbFactory,
    SentryApiClient sentry,
    InstallationTokenProtector protector,
    InstallationVerifier verifier,
    InstallationLocks locks,
    InstallationOrganizations organizations,
    IOptions<SentryOptions> options,
    TimeProvider time,
    ILogger<InstallationService> logger)
{
    public async Task<SetupOutcome> CompleteAsync(Guid installationUuid, string code, InstallationFacts? facts, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is not null && facts is not null)
        {
            await RecordFactsAsync(db, installation, facts, cancellationToken);
        }

        if (installation?.Status == InstallationStatus.Uninstalled)
        {
            return new SetupOutcome(SetupResult.Uninstalled);
        }

        if (installation?.ProtectedAccessToken is not null)
        {
            return Completed(installation);
        }

        SentryTokenGrant grant;
        try
        {
            grant = await sentry.ExchangeGrantAsync(installationUuid, code, cancellationToken);
        }
        catch (SentryApiException exception)
        {
            return await RefusedAsync(installationUuid, exception, cancellationToken);
        }

        installation = await StoreTokensAsync(db, installation, installationUuid, grant, facts);
        LogExchanged(installationUuid);
        var verificationError = await verifier.ConfirmNewAsync(db, installation, grant.Token, CancellationToken.None);
        organizations.Remember(installationUuid, installation.OrganizationSlug);
        return verificationError is null
            ? new SetupOutcome(SetupResult.Installed, installation.OrganizationSlug, installation.AppSlug)
            : new SetupOutcome(SetupResult.VerificationFailed, NullIfEmpty(installation.OrganizationSlug), installation.AppSlug, verificationError);
    }

    /// <summary>Records what a signed <c>installation.created</c> says when it carries no code (a retry after the exchange).</summary>
    public async Task RecordAsync(Guid installationUuid, InstallationFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is null)
        {
            db.Installations.Add(NewInstallation(installationUuid, facts));
            await db.SaveChangesAsync(cancellationToken);
            organizations.Remember(installationUuid, facts.OrganizationSlug ?? "");
            LogRecorded(installationUuid, facts.OrganizationSlug ?? "");
            return;
        }

        await RecordFactsAsync(db, installation, facts, cancellationToken);
        organizations.Remember(installationUuid, installation.OrganizationSlug);
    }

    /// <summary><c>installation.deleted</c>: the tokens go at once (reliability.md O7); the row stays for history.</summary>
    public async Task UninstallAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is null || installation.Status == InstallationStatus.Uninstalled)
        {
            return;
        }

        installation.Status = InstallationStatus.Uninstalled;
        installation.UninstalledAt = time.GetUtcNow();
        installation.ProtectedAccessToken = null;
        installation.ProtectedRefreshToken = null;
        installation.TokenExpiresAt = null;
        installation.RefreshLeaseUntil = null;
        installation.NextVerificationAt = null;
        installation.ConcurrencyToken = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        LogUninstalled(installationUuid, installation.OrganizationSlug);
    }

    /// <summary>A grant code Sentry refused and no tokens held: the installation cannot call Sentry until reinstalled.</summary>
    public async Task RecordUnusableCodeAsync(Guid installationUuid, InstallationFacts facts, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is null)
        {
            installation = NewInstallation(installationUuid, facts);
            db.Installations.Add(installation);
        }

        if (installation.ProtectedAccessToken is not null || installation.Status == InstallationStatus.Uninstalled)
        {
            return;
        }

        installation.Status = InstallationStatus.NeedsReauthorization;
        installation.LastRefreshError = reason.Length <= 1000 ? reason : reason[..1000];
        await db.SaveChangesAsync(cancellationToken);
        LogUnusableCode(installationUuid, reason);
    }

    private async Task<SetupOutcome> RefusedAsync(Guid installationUuid, SentryApiException exception, CancellationToken cancellationToken)
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
                return Completed(stored);
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
        PortalDbContext db, Installation? installation, Guid installationUuid, SentryTokenGrant grant, InstallationFacts? facts)
    {
        if (installation is null)
        {
            installation = NewInstallation(installationUuid, facts);
            db.Installations.Add(installation);
        }

        var now = time.GetUtcNow();
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
        return installation;
    }

    private static async Task RecordFactsAsync(PortalDbContext db, Installation installation, InstallationFacts facts, CancellationToken cancellationToken)
    {
        // A signed webhook is Sentry's word; it fills in what is missing but never overrides a confirmed answer.
        var changed = false;
        if (string.IsNullOrEmpty(installation.OrganizationSlug) && !string.IsNullOrEmpty(facts.OrganizationSlug))
        {
            installation.OrganizationSlug = facts.OrganizationSlug;
            changed = true;
        }

        if (installation.OrganizationId is null && facts.OrganizationId is not null)
        {
            installation.OrganizationId = facts.OrganizationId;
            changed = true;
        }

        if (string.IsNullOrEmpty(installation.AppSlug) && !string.IsNullOrEmpty(facts.AppSlug))
        {
            installation.AppSlug = facts.AppSlug;
            changed = true;
        }

        if (changed)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private Installation NewInstallation(Guid installationUuid, InstallationFacts? facts) => new()
    {
        Uuid = installationUuid,
        AppSlug = facts?.AppSlug ?? options.Value.AppSlug ?? "",
        OrganizationSlug = facts?.OrganizationSlug ?? "",
        OrganizationId = facts?.OrganizationId,
        Kind = InstallationKind.Public,
        Status = InstallationStatus.Pending,
        InstalledAt = time.GetUtcNow(),
    };

    private static SetupOutcome Completed(Installation installation) =>
        installation.Status == InstallationStatus.Installed
            ? new SetupOutcome(SetupResult.AlreadyInstalled, installation.OrganizationSlug, installation.AppSlug)
            : new SetupOutcome(SetupResult.VerificationFailed, NullIfEmpty(installation.OrganizationSlug), installation.AppSlug,
                installation.VerificationError ?? "Sentry has not confirmed the installation yet.");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [LoggerMessage(Level = LogLevel.Information, Message = "Exchanged the grant code of installation {InstallationUuid} for its tokens")]
    private partial void LogExchanged(Guid installationUuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationUuid} of organization {OrganizationSlug} uninstalled; its tokens were removed")]
    private partial void LogUninstalled(Guid installationUuid, string organizationSlug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationUuid} recorded for organization {OrganizationSlug}")]
    private partial void LogRecorded(Guid installationUuid, string organizationSlug);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry refused the grant code of installation {InstallationUuid}: {Reason}")]
    private partial void LogCodeRejected(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sentry refused the portal's credentials while completing installation {InstallationUuid}: {Reason}. Check Sentry:ClientId and Sentry:ClientSecret")]
    private partial void LogCredentialsRejected(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not complete installation {InstallationUuid}: {Reason}")]
    private partial void LogSentryUnavailable(Guid installationUuid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Installation {InstallationUuid} has no usable grant code ({Reason}) and no tokens; it must be reinstalled from Sentry")]
    private partial void LogUnusableCode(Guid installationUuid, string reason);
}
