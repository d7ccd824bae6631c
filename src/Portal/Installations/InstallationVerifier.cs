using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;
using Portal.SentryPlatform.Payloads;

namespace Portal.Installations;

/// <summary>
/// Confirms an installation with Sentry: with <c>Sentry:VerifyInstallation</c> on, the verify call that moves it
/// from Pending to Installed in Sentry (sentry-contract.md §1.6); otherwise a read of the installation. Either
/// way Sentry's answer, not the browser's query string, says which organization installed (reliability.md O2).
/// An installation whose confirmation failed stays Pending with the reason and is retried on a backoff.
/// </summary>
internal sealed partial class InstallationVerifier(
    IDbContextFactory<PortalDbContext> dbFactory,
    SentryApiClient sentry,
    InstallationApi api,
    InstallationLifecycleLocks locks,
    InstallationRecords records,
    IOptions<SentryOptions> options,
    TimeProvider time,
    ILogger<InstallationVerifier> logger) : BackgroundService
{
    /// <summary>How often the verifier looks for installations whose retry is due.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6)];

    public static TimeSpan DelayAfter(int attempts) => Backoff[Math.Clamp(attempts, 1, Backoff.Length) - 1];

    /// <summary>Confirms one installation now (the dashboard's "retry verification"); true when it is installed.</summary>
    public async Task<bool> VerifyAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is not { Kind: InstallationKind.Public, Status: InstallationStatus.Pending, ProtectedAccessToken: not null })
        {
            return installation?.Status == InstallationStatus.Installed;
        }

        SentryInstallationInfo info;
        try
        {
            info = options.Value.VerifyInstallation
                ? await api.VerifyInstallationAsync(installationUuid, cancellationToken)
                : await api.GetInstallationAsync(installationUuid, cancellationToken);
        }
        catch (Exception exception) when (exception is SentryApiException or InstallationUnavailableException)
        {
            // The token refresher may have changed the row (or marked it for reauthorization) meanwhile.
            await db.Entry(installation).ReloadAsync(cancellationToken);
            await RecordFailureAsync(db, installation, exception.Message);
            return false;
        }

        await db.Entry(installation).ReloadAsync(cancellationToken);
        await RecordConfirmedAsync(db, installation, info);
        return true;
    }

    /// <summary>Confirms a just-completed installation with the token it was just given (no refresh can be due).</summary>
    public async Task<string?> ConfirmNewAsync(PortalDbContext db, Installation installation, string accessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(installation);
        try
        {
            var info = options.Value.VerifyInstallation
                ? await sentry.VerifyInstallationAsync(installation.Uuid, accessToken, cancellationToken)
                : await sentry.GetInstallationAsync(installation.Uuid, accessToken, cancellationToken);
            await RecordConfirmedAsync(db, installation, info);
            return null;
        }
        catch (SentryApiException exception)
        {
            await RecordFailureAsync(db, installation, exception.Message);
            return exception.Message;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await VerifyDueAsync(stoppingToken);
                await Task.Delay(PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(exception);
                await Task.Delay(PollInterval, time, stoppingToken);
            }
        }
    }

    internal async Task VerifyDueAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        List<Guid> unnamed;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            due = await db.Installations.AsNoTracking()
                .Where(i => i.Kind == InstallationKind.Public && i.Status == InstallationStatus.Pending
                    && i.ProtectedAccessToken != null && i.NextVerificationAt != null && i.NextVerificationAt <= now)
                .Select(i => i.Uuid)
                .ToListAsync(cancellationToken);

            // Installed, but the organization's id is unknown (an internal integration, or storage from before ids).
            unnamed = await db.Installations.AsNoTracking()
                .Where(i => i.Status == InstallationStatus.Installed && i.ProtectedAccessToken != null
                    && (i.OrganizationId == null || i.OrganizationId < 0) && (i.NextVerificationAt == null || i.NextVerificationAt <= now))
                .Select(i => i.Uuid)
                .ToListAsync(cancellationToken);
        }

        foreach (var uuid in due)
        {
            await VerifyAsync(uuid, cancellationToken);
        }

        foreach (var uuid in unnamed)
        {
            await NameOrganizationAsync(uuid, cancellationToken);
        }
    }

    /// <summary>Asks Sentry which organization an installed installation belongs to, when the portal does not know its id.</summary>
    internal async Task NameOrganizationAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(installationUuid, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == installationUuid, cancellationToken);
        if (installation is null || installation.OrganizationId > 0)
        {
            return;
        }

        try
        {
            var info = await api.GetInstallationAsync(installationUuid, cancellationToken);
            await db.Entry(installation).ReloadAsync(cancellationToken);
            await records.ApplyAsync(db, installation, FactsOf(info), cancellationToken);
            installation.NextVerificationAt = null;
            installation.VerificationAttempts = 0;
        }
        catch (Exception exception) when (exception is SentryApiException or InstallationUnavailableException)
        {
            await db.Entry(installation).ReloadAsync(cancellationToken);
            installation.VerificationAttempts++;
            installation.NextVerificationAt = time.GetUtcNow() + DelayAfter(installation.VerificationAttempts);
            LogNotNamed(installationUuid, exception.Message, installation.NextVerificationAt.Value);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task RecordConfirmedAsync(PortalDbContext db, Installation installation, SentryInstallationInfo info)
    {
        var now = time.GetUtcNow();
        await records.ApplyAsync(db, installation, FactsOf(info), CancellationToken.None);
        installation.AppSlug = info.AppSlug ?? installation.AppSlug;
        installation.Status = InstallationStatus.Installed;
        installation.VerifiedAt = options.Value.VerifyInstallation ? now : null;
        installation.VerificationError = null;
        installation.NextVerificationAt = null;
        await db.SaveChangesAsync(CancellationToken.None);
        LogConfirmed(installation.Uuid, info.OrganizationSlug);
    }

    // Sentry's answer to the portal's own authenticated call: as good as a signed webhook, and current.
    private InstallationFacts FactsOf(SentryInstallationInfo info) =>
        new(info.OrganizationSlug, info.OrganizationId, info.AppSlug, info.SentryAppId, time.GetUtcNow());

    private async Task RecordFailureAsync(PortalDbContext db, Installation installation, string reason)
    {
        installation.VerificationAttempts++;
        installation.VerificationError = ErrorText.Truncate(reason);
        installation.NextVerificationAt = installation.Status == InstallationStatus.Pending && installation.ProtectedAccessToken is not null
            ? time.GetUtcNow() + DelayAfter(installation.VerificationAttempts)
            : null;
        await db.SaveChangesAsync(CancellationToken.None);
        LogNotConfirmed(installation.Uuid, installation.VerificationAttempts, reason, installation.NextVerificationAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationUuid} confirmed by Sentry for organization {OrganizationSlug}")]
    private partial void LogConfirmed(Guid installationUuid, string organizationSlug);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry did not confirm installation {InstallationUuid} (attempt {Attempts}): {Reason}; next attempt at {NextAttemptAt}")]
    private partial void LogNotConfirmed(Guid installationUuid, int attempts, string reason, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask Sentry which organization installation {InstallationUuid} belongs to: {Reason}; next attempt at {NextAttemptAt}")]
    private partial void LogNotNamed(Guid installationUuid, string reason, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "An installation verification pass failed; the next pass retries")]
    private partial void LogPassFailed(Exception exception);
}
