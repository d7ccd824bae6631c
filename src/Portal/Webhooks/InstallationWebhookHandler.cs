using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>
/// Keeps the installation record in step with <c>installation.created</c> / <c>installation.deleted</c>
/// (sentry-contract.md §2.9.1). The grant code in the payload is never copied anywhere.
/// </summary>
internal sealed partial class InstallationWebhookHandler(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, ILogger<InstallationWebhookHandler> logger) : IWebhookHandler
{
    public string Resource => WebhookCatalog.Installation;

    public async Task HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (!webhook.Data.TryGetProperty("installation", out var payload) || payload.ValueKind != JsonValueKind.Object
            || webhook.InstallationUuid is not { } uuid)
        {
            return;
        }

        switch (webhook.Action)
        {
            case "created":
                await RecordInstalledAsync(uuid, payload, cancellationToken);
                break;
            case "deleted":
                await RecordUninstalledAsync(uuid, cancellationToken);
                break;
        }
    }

    private async Task RecordInstalledAsync(Guid uuid, JsonElement payload, CancellationToken cancellationToken)
    {
        var organization = payload.TryGetProperty("organization", out var org) ? org : default;
        var organizationSlug = StringOf(organization, "slug") ?? "";
        var appSlug = payload.TryGetProperty("app", out var app) ? StringOf(app, "slug") ?? "" : "";
        var installed = StringOf(payload, "status") == "installed";

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == uuid, cancellationToken);
        if (installation is null)
        {
            db.Installations.Add(new Installation
            {
                Uuid = uuid,
                AppSlug = appSlug,
                OrganizationSlug = organizationSlug,
                OrganizationId = organization.ValueKind == JsonValueKind.Object && organization.TryGetProperty("id", out var id) && id.TryGetInt64(out var orgId) ? orgId : null,
                Status = installed ? InstallationStatus.Installed : InstallationStatus.Pending,
                InstalledAt = time.GetUtcNow(),
            });
            LogInstalled(uuid, organizationSlug);
        }
        else if (installation.Status == InstallationStatus.Pending && installed)
        {
            // A retried or late delivery never moves an installation backwards (reliability.md W8).
            installation.Status = InstallationStatus.Installed;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another path (the install redirect) may have recorded it first: that is the same outcome.
            if (!await db.Installations.AsNoTracking().AnyAsync(i => i.Uuid == uuid, cancellationToken))
            {
                throw;
            }
        }
    }

    private async Task RecordUninstalledAsync(Guid uuid, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Uuid == uuid, cancellationToken);
        if (installation is null || installation.Status == InstallationStatus.Uninstalled)
        {
            return;
        }

        // Tokens go at once (reliability.md O7); the row stays for history.
        installation.Status = InstallationStatus.Uninstalled;
        installation.UninstalledAt = time.GetUtcNow();
        installation.ProtectedAccessToken = null;
        installation.ProtectedRefreshToken = null;
        installation.TokenExpiresAt = null;
        installation.ConcurrencyToken = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        LogUninstalled(uuid, installation.OrganizationSlug);
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationUuid} recorded for organization {OrganizationSlug}")]
    private partial void LogInstalled(Guid installationUuid, string organizationSlug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationUuid} of organization {OrganizationSlug} uninstalled; its tokens were removed")]
    private partial void LogUninstalled(Guid installationUuid, string organizationSlug);
}
