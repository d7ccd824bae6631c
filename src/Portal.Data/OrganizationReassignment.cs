using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// Moves every row of one organization id to another: how a provisional organization (carried over from the
/// portal's slug-keyed storage, <see cref="Entities.Organization.IsProvisional"/>) becomes the organization Sentry
/// names. The one place that knows every table keyed on an organization.
/// </summary>
public static class OrganizationReassignment
{
    /// <summary>Runs inside the caller's transaction; a unique key taken in the target fails it as a whole.</summary>
    public static async Task ReassignOrganizationAsync(this PortalDbContext db, long from, long to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Installations.Where(i => i.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(i => i.OrganizationId, to), cancellationToken);
        await db.Tickets.Where(t => t.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(t => t.OrganizationId, to), cancellationToken);
        await db.IssueLinks.Where(l => l.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(l => l.OrganizationId, to), cancellationToken);
        await db.AlertRuleTriggers.Where(t => t.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(t => t.OrganizationId, to), cancellationToken);
        await db.CodeMappings.Where(m => m.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(m => m.OrganizationId, to), cancellationToken);
        await db.ServiceHooks.Where(h => h.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(h => h.OrganizationId, to), cancellationToken);
        await db.OrganizationPeople.Where(p => p.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(p => p.OrganizationId, to), cancellationToken);
        await db.WebhookDeliveries.Where(d => d.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(d => d.OrganizationId, to), cancellationToken);
        await db.AutomationRules.Where(r => r.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(r => r.OrganizationId, to), cancellationToken);
        await db.AutomationRuns.Where(r => r.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(r => r.OrganizationId, to), cancellationToken);
        await db.AutomationEvaluations.Where(e => e.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(e => e.OrganizationId, to), cancellationToken);
        await db.AutomationSightings.Where(e => e.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(e => e.OrganizationId, to), cancellationToken);

        // One CODEOWNERS per organization: the real organization's own file wins over the provisional one's.
        if (await db.CodeOwnersFiles.AnyAsync(f => f.OrganizationId == to, cancellationToken))
        {
            await db.CodeOwnersFiles.Where(f => f.OrganizationId == from).ExecuteDeleteAsync(cancellationToken);
        }
        else
        {
            await db.CodeOwnersFiles.Where(f => f.OrganizationId == from).ExecuteUpdateAsync(s => s.SetProperty(f => f.OrganizationId, to), cancellationToken);
        }

        await db.Organizations.Where(o => o.Id == from).ExecuteDeleteAsync(cancellationToken);
    }
}
