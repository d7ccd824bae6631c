using System.Globalization;
using Portal.Data.Entities;

namespace Portal.Automations;

/// <summary>How a run's outcome reads on the pages, the same on the rule's and the delivery's.</summary>
internal static class RunOutcomeText
{
    // A run stays "running" while its actions go; one still so long after it began was cut short by a crash.
    public static string Of(AutomationRun run, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Outcome switch
        {
            AutomationRunOutcome.Acted => "acted",
            AutomationRunOutcome.Failed when run.NextAttemptAt is { } next =>
                $"failed (attempt {run.Attempts.ToString(CultureInfo.InvariantCulture)}), retrying at {next.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC",
            AutomationRunOutcome.Failed => $"failed, gave up after {run.Attempts.ToString(CultureInfo.InvariantCulture)} attempts",
            AutomationRunOutcome.Suppressed => "suppressed",
            AutomationRunOutcome.DryRun => "dry run",
            AutomationRunOutcome.Pending => "waiting",
            AutomationRunOutcome.Cancelled => "cancelled",
            _ => now - (run.ActedAt ?? run.At) < TimeSpan.FromMinutes(2) ? "running" : "interrupted",
        };
    }
}
