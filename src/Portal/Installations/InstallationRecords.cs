using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Installations;

/// <summary>
/// Applies what Sentry says about an installation to its row: the organization it belongs to (by id; its slug goes
/// to the <see cref="OrganizationDirectory"/>), the app and the app's id. Sentry's word fills in what is unknown —
/// including the id of an organization carried over from slug-keyed storage, whose rows then move to it — but an
/// installation never changes organization, so a different id is reported and ignored.
/// </summary>
internal sealed partial class InstallationRecords(
    OrganizationDirectory directory, InstallationOrganizations organizations, ILogger<InstallationRecords> logger)
{
    /// <summary>Updates <paramref name="installation"/> (tracked by <paramref name="db"/>, not saved); true when it changed.</summary>
    public async Task<bool> ApplyAsync(PortalDbContext db, Installation installation, InstallationFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(facts);
        var changed = false;
        if (facts.OrganizationId is { } organizationId)
        {
            await directory.RecordAsync(organizationId, facts.OrganizationSlug, facts.SaidAt, cancellationToken);
            switch (installation.OrganizationId)
            {
                case null:
                    installation.OrganizationId = organizationId;
                    changed = true;
                    break;
                case < 0 and var provisional when await directory.AdoptAsync(provisional, organizationId, cancellationToken):
                    // Moved in the database already; the tracked row only needs to agree.
                    installation.OrganizationId = organizationId;
                    db.Entry(installation).Property(i => i.OrganizationId).OriginalValue = organizationId;
                    break;
                case < 0:
                    installation.OrganizationId = organizationId;
                    changed = true;
                    break;
                case var known when known != organizationId:
                    LogOtherOrganization(installation.Uuid, known.Value, organizationId);
                    break;
            }

        }

        organizations.Remember(installation.Uuid, installation.OrganizationId);

        if (string.IsNullOrEmpty(installation.AppSlug) && !string.IsNullOrEmpty(facts.AppSlug))
        {
            installation.AppSlug = facts.AppSlug;
            changed = true;
        }

        if (facts.SentryAppId is { } appId && installation.SentryAppId != appId)
        {
            installation.SentryAppId = appId;
            changed = true;
        }

        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry named organization {SaidOrganizationId} for installation {InstallationUuid}, which belongs to organization {OrganizationId}; kept the latter")]
    private partial void LogOtherOrganization(Guid installationUuid, long organizationId, long saidOrganizationId);
}
