using Microsoft.EntityFrameworkCore;
using Portal.Dashboard;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Automations;

/// <summary>
/// Before a replay: a delivery whose rules already acted keeps those runs (so the replay repeats no action) unless
/// the person asks for the actions again, which removes the runs and lets the rules run afresh.
/// </summary>
internal sealed class AutomationReplay(IDbContextFactory<PortalDbContext> dbFactory) : IReplayConsequence
{
    public async Task<string?> QuestionAsync(long deliveryId, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var acted = await scope.Filter(db.AutomationRuns.AsNoTracking(), r => r.OrganizationId)
            .Where(r => r.DeliveryId == deliveryId && r.Outcome != AutomationRunOutcome.DryRun && r.Outcome != AutomationRunOutcome.Suppressed
                && r.Outcome != AutomationRunOutcome.Cancelled && r.Outcome != AutomationRunOutcome.Pending)
            .Select(r => r.Rule!.Name)
            .ToListAsync(cancellationToken);
        return acted.Count == 0
            ? null
            : $"Automations already acted on this delivery ({string.Join(", ", acted.Select(n => $"\"{n}\""))}). A replay runs the handlers again; " +
              "run those rules' actions again too (a second comment, a second forward …)?";
    }

    public async Task AllowAgainAsync(long deliveryId, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = await db.AutomationRuns.Where(r => r.DeliveryId == deliveryId).ToListAsync(cancellationToken);
        db.AutomationRuns.RemoveRange(runs.Where(r => scope.CanManage(r.OrganizationId)));
        await db.SaveChangesAsync(cancellationToken);
    }
}
