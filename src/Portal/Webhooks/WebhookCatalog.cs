using System.Collections.Frozen;

namespace Portal.Webhooks;

/// <summary>
/// Every resource and action Sentry documents or sends (sentry-contract.md §2.8–2.9), including the legacy
/// <c>issue.archived</c> and <c>metric_alert.open</c>. Anything else is stored and flagged, never refused.
/// </summary>
internal static class WebhookCatalog
{
    public const string Installation = "installation";
    public const string Issue = "issue";
    public const string Error = "error";
    public const string Comment = "comment";
    public const string EventAlert = "event_alert";
    public const string MetricAlert = "metric_alert";
    public const string Seer = "seer";
    public const string SizeAnalysis = "size_analysis";
    public const string PreprodArtifact = "preprod_artifact";

    /// <summary>What the portal calls a project service hook's delivery (it carries no resource header of its own).</summary>
    public const string ServiceHook = "service_hook";

    private static readonly FrozenDictionary<string, FrozenSet<string>> Actions = new Dictionary<string, FrozenSet<string>>
    {
        [Installation] = Set("created", "deleted"),
        [Issue] = Set("created", "resolved", "ignored", "assigned", "unresolved", "archived"),
        [Error] = Set("created"),
        [Comment] = Set("created", "updated", "deleted"),
        [EventAlert] = Set("triggered"),
        [MetricAlert] = Set("open", "critical", "warning", "resolved"),
        [Seer] = Set(
            "root_cause_started", "root_cause_completed", "solution_started", "solution_completed",
            "coding_started", "coding_completed", "triage_started", "triage_completed",
            "impact_assessment_started", "impact_assessment_completed", "pr_created"),
        [SizeAnalysis] = Set("completed"),
        [PreprodArtifact] = Set("completed"),
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
