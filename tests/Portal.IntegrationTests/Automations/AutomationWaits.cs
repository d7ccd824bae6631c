using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Automations;

/// <summary>Processing only decides runs; the automation worker carries them out a moment later.</summary>
internal static class AutomationWaits
{
    /// <summary>
    /// Waits until the store holds <paramref name="count"/> runs and the worker has none in hand (pending or running),
    /// then returns them in order.
    /// </summary>
    public static async Task<List<AutomationRun>> SettledRunsAsync(this PortalFactory portal, int count)
    {
        List<AutomationRun> runs = [];
        await Eventually.TrueAsync(async () =>
        {
            await using var db = portal.OpenDatabase();
            runs = await db.AutomationRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync(TestContext.Current.CancellationToken);
            return runs.Count == count && runs.All(r => r.Outcome is not (AutomationRunOutcome.Pending or AutomationRunOutcome.Running));
        }, $"{count} automation run(s) carried out");
        return runs;
    }
}
