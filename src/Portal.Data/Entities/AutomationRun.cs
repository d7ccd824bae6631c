namespace Portal.Data.Entities;

/// <summary>
/// A rule that matched a delivery, and what its actions did: an outbox row. Processing writes it
/// <see cref="AutomationRunOutcome.Pending"/> with the rule's actions as they were at that moment; the automation
/// worker claims it and acts. Unique per (rule, delivery), and claimed before the first action runs, so retries,
/// replays, restarts and other instances never run a rule's actions twice.
/// </summary>
public sealed class AutomationRun
{
    public long Id { get; init; }

    public required int RuleId { get; init; }

    public AutomationRule? Rule { get; init; }

    /// <summary>The rule's organization, copied so the storm limit and the pages filter without a join.</summary>
    public required long OrganizationId { get; init; }

    public required long DeliveryId { get; init; }

    /// <summary>When the rule matched the delivery (or, for a dry run, would have).</summary>
    public required DateTimeOffset At { get; set; }

    public AutomationRunOutcome Outcome { get; set; }

    /// <summary>The rule's actions when it matched, as JSON: what the run does, whatever edits come later.</summary>
    public required string Actions { get; set; }

    /// <summary>What each action did, as JSON (an array, one per action in <see cref="Actions"/>).</summary>
    public required string Results { get; set; }

    /// <summary>How many actions this run counted against the rule's limit.</summary>
    public int ActionCount { get; set; }

    /// <summary>When the worker first acted on it: the storm limit counts the actions of runs that acted in its window.</summary>
    public DateTimeOffset? ActedAt { get; set; }

    /// <summary>How often the worker has taken it up.</summary>
    public int Attempts { get; set; }

    /// <summary>When the worker should take it up (pending, or failed and due again); null once it has nothing left to do.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
}

public enum AutomationRunOutcome
{
    /// <summary>Claimed by the worker, acting; still so after a crash mid-run (not retried: actions may have taken effect).</summary>
    Running = 0,

    /// <summary>Every action did what it should.</summary>
    Acted = 1,

    /// <summary>One or more actions failed; they alone are tried again on the delivery schedule, until its last attempt.</summary>
    Failed = 2,

    /// <summary>The rule's limit was reached; nothing was done.</summary>
    Suppressed = 3,

    /// <summary>A dry-run-only rule: what it would have done, nothing done.</summary>
    DryRun = 4,

    /// <summary>Matched; waiting for the automation worker.</summary>
    Pending = 5,

    /// <summary>The rule was turned off, switched to dry run or deleted before its actions ran.</summary>
    Cancelled = 6,
}
