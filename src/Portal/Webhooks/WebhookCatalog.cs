using System.Collections.Frozen;

namespace Portal.Webhooks;

/// <summary>
/// Every resource (<c>Sentry-Hook-Resource</c>) and action (the body's <c>action</c>) that Sentry sends or once sent, as
/// getsentry/sentry builds them: <c>src/sentry/sentry_apps/event_types.py</c> (<c>SentryAppEventType</c>, the tokens
/// the broadcaster accepts) and <c>src/sentry/sentry_apps/utils/webhooks.py</c> (the action and resource enums). Legacy
/// names stay known so that deliveries from older Sentry versions are not flagged. Anything else is stored and flagged,
/// never refused.
/// </summary>
internal static class WebhookCatalog
{
    public const string Installation = "installation";
    public const string Issue = "issue";
    public const string Error = "error";
    public const string Comment = "comment";
    public const string EventAlert = "event_alert";
    public const string ActivityAlert = "activity_alert";
    public const string MetricAlert = "metric_alert";
    public const string Seer = "seer";
    public const string PreprodArtifact = "preprod_artifact";

    /// <summary>Legacy: the interim resource <c>preprod_artifact</c> replaced.</summary>
    public const string SizeAnalysis = "size_analysis";

    /// <summary>What the portal calls a project service hook's delivery (it carries no resource header of its own).</summary>
    public const string ServiceHook = "service_hook";

    private static readonly FrozenDictionary<string, FrozenSet<string>> Actions = new Dictionary<string, FrozenSet<string>>
    {
        [Installation] = Set("created", "deleted"),

        // "archived" is legacy: still a SentryAppEventType value, but only as the stored-subscription alias of
        // issue.ignored (_LEGACY_EVENT_ALIASES in webhooks.py); current Sentry fires issue.ignored.
        [Issue] = Set("created", "resolved", "assigned", "ignored", "unresolved", "archived"),
        [Error] = Set("created"),
        [Comment] = Set("created", "updated", "deleted"),
        [EventAlert] = Set("triggered"),

        // Sent by workflow-engine actions (notification_action/activity_registry/sentry_app.py), not by a subscription.
        [ActivityAlert] = Set("triggered"),

        // The incident status, lower-cased (integrations/services/integration/impl.py).
        [MetricAlert] = Set("open", "critical", "warning", "resolved"),
        [Seer] = Set(
            "root_cause_started", "root_cause_completed", "solution_started", "solution_completed",
            "coding_started", "coding_completed", "pr_created", "iteration_started", "iteration_completed",

            // Inferred: newer code emits SeerActionType.PR_READY_FOR_REVIEW (seer/autofix/pr_ready_for_review.py),
            // but no stored copy of the enum shows the literal string.
            "pr_ready_for_review",

            // Legacy: SeerActionType in webhooks.py @ 2c9325ae and @ 02119258; the newest enum dropped them.
            "triage_started", "triage_completed", "impact_assessment_started", "impact_assessment_completed"),
        [PreprodArtifact] = Set(
            "size_analysis_completed", "build_distribution_completed",

            // Legacy, and the portal's own: no Sentry version we found sends it; the first catalogue guessed it while
            // Sentry's naming was in flux (sentry-contract.md §2.8). Kept so stored deliveries keep their filter.
            "completed"),

        // Legacy: size_analysis.completed, from webhooks.py @ 02119258 and preprod/size_analysis/webhooks.py of that era.
        [SizeAnalysis] = Set("completed"),
        [ServiceHook] = Set("event"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Resources => Actions.Keys;

    /// <summary>The actions of one resource, or of every resource when it is null; sorted, for pickers.</summary>
    public static IEnumerable<string> ActionsOf(string? resource) =>
        (resource is null ? Actions.Values.SelectMany(a => a) : Actions.GetValueOrDefault(resource) ?? [])
            .Distinct().Order(StringComparer.Ordinal);

    public static bool IsKnown(string resource, string? action) =>
        action is not null && Actions.TryGetValue(resource, out var actions) && actions.Contains(action);

    private static FrozenSet<string> Set(params string[] actions) => actions.ToFrozenSet(StringComparer.Ordinal);
}
