using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.SentryPlatform;

namespace Portal.Installations;

/// <summary>
/// With <c>Sentry:InternalIntegration:*</c> set, records the one installation at start-up with its static token,
/// protected like any other (sentry-contract.md §1.9). Runs before the webhook processor starts. The configured slug
/// only names the organization in the log: its id, which everything keys on, comes from Sentry (the verifier asks
/// for the installation with the token on its first pass).
/// </summary>
internal sealed partial class InternalIntegrationInstaller(
    IDbContextFactory<PortalDbContext> dbFactory,
    InstallationTokenProtector protector,
    InstallationOrganizations organizations,
    IOptions<SentryOptions> options,
    TimeProvider time,
    ILogger<InternalIntegrationInstaller> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sentry = options.Value;
        if (!sentry.IsInternalIntegration)
        {
            return;
        }

        // The options validator has checked all three are present.
        var integration = sentry.InternalIntegration;
        var uuid = integration.InstallationId!.Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == uuid, cancellationToken);
        if (installation is null)
        {
            installation = new Installation
            {
                Uuid = uuid,
                AppSlug = sentry.AppSlug ?? "",
                Kind = InstallationKind.Internal,
                InstalledAt = time.GetUtcNow(),
            };
            db.Installations.Add(installation);
        }
        else if (installation.Kind != InstallationKind.Internal)
        {
            throw new InvalidOperationException(
                $"Sentry:InternalIntegration:InstallationId {uuid} is already recorded as an installation of the public app; an internal integration has an installation of its own.");
        }

        installation.AppSlug = sentry.AppSlug ?? installation.AppSlug;
        installation.Status = InstallationStatus.Installed;
        installation.ProtectedAccessToken = protector.Protect(integration.Token!);
        installation.ProtectedRefreshToken = null;
        installation.TokenExpiresAt = null;
        installation.UninstalledAt = null;
        installation.ConcurrencyToken = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        organizations.Remember(uuid, installation.OrganizationId);
        LogInternalIntegration(uuid, integration.OrganizationSlug!);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Running as internal integration {InstallationUuid} of organization {OrganizationSlug}; no install flow")]
    private partial void LogInternalIntegration(Guid installationUuid, string organizationSlug);
}
