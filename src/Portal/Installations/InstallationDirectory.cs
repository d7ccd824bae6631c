using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;
using Portal.Tenancy;

namespace Portal.Installations;

/// <summary>What the installations page reads and the two things an admin can ask of an installation.</summary>
internal sealed class InstallationDirectory(
    IDbContextFactory<PortalDbContext> dbFactory, InstallationVerifier verifier, InstallationTokens tokens)
{
    private const string NotVisible = "No such installation.";

    public async Task<IReadOnlyList<InstallationView>> ListAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installations = await scope.Filter(db.Installations.AsNoTracking().Include(i => i.Organization), i => i.OrganizationId).ToListAsync(cancellationToken);

        // Most urgent first: what needs a person, then what is not confirmed yet, then the rest by organization.
        return [.. installations
            .OrderBy(i => i.Status switch
            {
                InstallationStatus.NeedsReauthorization => 0,
                InstallationStatus.Pending => 1,
                InstallationStatus.Installed => 2,
                _ => 3,
            })
            .ThenBy(i => i.Organization?.Slug, StringComparer.Ordinal)
            .Select(i => new InstallationView(
                i.Uuid, i.Organization?.Slug, i.OrganizationId, scope.CanManage(i.OrganizationId), i.AppSlug, i.Kind, i.Status, i.ProtectedAccessToken is not null,
                i.TokenExpiresAt, i.LastRefreshedAt, i.LastRefreshError, i.VerifiedAt, i.VerificationError, i.NextVerificationAt,
                i.InstalledAt, i.UninstalledAt))];
    }

    /// <summary>Asks Sentry to confirm the installation now; null when it did, else the reason it did not.</summary>
    public async Task<string?> RetryVerificationAsync(Guid installationUuid, AccessScope scope, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(installationUuid, scope, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (await verifier.VerifyAsync(installationUuid, cancellationToken))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Installations.Where(i => i.Uuid == installationUuid).Select(i => i.VerificationError).SingleOrDefaultAsync(cancellationToken)
            ?? "Sentry did not confirm the installation.";
    }

    /// <summary>Refreshes the token pair now; null when it worked, else the reason it did not.</summary>
    public async Task<string?> RefreshTokenAsync(Guid installationUuid, AccessScope scope, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(installationUuid, scope, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        try
        {
            await tokens.RefreshNowAsync(installationUuid, cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is SentryApiException or InstallationUnavailableException)
        {
            return exception.Message;
        }
    }

    // Actions check the scope themselves: a circuit or a crafted call cannot act on another tenant's installation,
    // and calling Sentry on an organization's behalf needs a role that may manage its integrations.
    private async Task<string?> RefusalAsync(Guid installationUuid, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.Where(i => i.Uuid == installationUuid).Select(i => new { i.OrganizationId }).SingleOrDefaultAsync(cancellationToken);
        return installation is null || !scope.Includes(installation.OrganizationId) ? NotVisible
            : !scope.CanManage(installation.OrganizationId) ? AccessMessages.ManagersOnly
            : null;
    }
}
