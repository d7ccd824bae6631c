namespace Portal.Data.Entities;

/// <summary>
/// A rule that matched a delivery, and what its actions did. Unique per (rule, delivery): the row is written before
/// the first action runs, so retries, replays, restarts and other instances never run a rule's actions twice.
/// </summary>
public sealed class AutomationRun
{
    public long Id { get; init; }

    public required int RuleId { get; init; }

    public AutomationRule? Rule { get; init; }

    /// <summary>The rule's organization, copied so the storm limit and the pages filter without a join.</summary>
    public required long OrganizationId { get; init; }

    public required long DeliveryId { get; init; }

    public required DateTimeOffset At { get; set; }

    public AutomationRunOutcome Outcome { get; set; }

    /// <summary>What each action did, as JSON (an array, in the rule's order).</summary>
    public required string Results { get; set; }

    /// <summary>How many actions this run counted against the rule's limit.</summary>
    public int ActionCount { get; set; }
}

public enum AutomationRunOutcome
{
    /// <summary>Written before the actions run; still so after a crash mid-run (not retried: actions may have taken effect).</summary>
    Running = 0,

    /// <summary>Every action did what it should.</summary>
    Acted = 1,

    /// <summary>One or more actions failed; they are tried again with the delivery's next attempt.</summary>
    Failed = 2,

    /// <summary>The rule's limit was reached; nothing was done.</summary>
    Suppressed = 3,

    /// <summary>A dry-run-only rule: what it would have done, nothing done.</summary>
    DryRun = 4,
}
