using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class WebhookCatalogTests
{
    public static TheoryData<string> SampleFiles =>
        [.. Directory.GetFiles(RepoPaths.Samples, "webhook.*.json").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_resource_and_action_sentry_sends_is_known(string file)
    {
        var parts = file.Split('.');

        Assert.True(WebhookCatalog.IsKnown(parts[1], parts[2]), $"{parts[1]}.{parts[2]}");
    }

    // Every SentryAppEventType value that is a webhook, in getsentry/sentry's src/sentry/sentry_apps/event_types.py,
    // split into resource and action as src/sentry/sentry_apps/utils/webhooks.py's enums name them. Left out:
    // external_issue.created/linked, select_options.requested and alert_rule_action.requested (UI-component requests,
    // not webhooks).
    public static TheoryData<string> SentryEventTypes =>
    [
        "installation.created", "installation.deleted",
        "issue.created", "issue.resolved", "issue.assigned", "issue.ignored", "issue.unresolved", "issue.archived",
        "error.created",
        "comment.created", "comment.updated", "comment.deleted",
        "event_alert.triggered",
        "activity_alert.triggered",
        "metric_alert.open", "metric_alert.critical", "metric_alert.warning", "metric_alert.resolved",
        "seer.root_cause_started", "seer.root_cause_completed", "seer.solution_started", "seer.solution_completed",
        "seer.coding_started", "seer.coding_completed", "seer.pr_created", "seer.iteration_started", "seer.iteration_completed",

        // Newer than the stored enum: SeerActionType.PR_READY_FOR_REVIEW's value is inferred, not seen.
        "seer.pr_ready_for_review",
        "preprod_artifact.size_analysis_completed", "preprod_artifact.build_distribution_completed",
    ];

    [Theory]
    [MemberData(nameof(SentryEventTypes))]
    public void Every_event_type_current_sentry_sends_is_known(string eventType)
    {
        var (resource, action) = Split(eventType);

        Assert.True(WebhookCatalog.IsKnown(resource, action), eventType);
    }

    [Theory]
    [InlineData("installation")]
    [InlineData("issue")]
    [InlineData("error")]
    [InlineData("comment")]
    [InlineData("event_alert")]
    [InlineData("activity_alert")]
    [InlineData("metric_alert")]
    [InlineData("seer")]
    [InlineData("preprod_artifact")]
    public void Every_resource_type_of_sentry_is_offered(string resource)
    {
        Assert.Contains(resource, WebhookCatalog.Resources);
    }

    [Theory]
    [InlineData("issue.archived")]
    [InlineData("seer.triage_started")]
    [InlineData("seer.triage_completed")]
    [InlineData("seer.impact_assessment_started")]
    [InlineData("seer.impact_assessment_completed")]
    [InlineData("size_analysis.completed")]
    [InlineData("preprod_artifact.completed")]
    public void Legacy_event_types_stay_known(string eventType)
    {
        var (resource, action) = Split(eventType);

        Assert.True(WebhookCatalog.IsKnown(resource, action), eventType);
    }

    [Theory]
    [InlineData("issue", "exploded")]
    [InlineData("foo", "created")]
    [InlineData("issue", null)]
    [InlineData("Issue", "created")]
    [InlineData("seer", "triage_exploded")]
    [InlineData("seer", "Root_cause_started")]
    [InlineData("activity_alert", "resolved")]
    [InlineData("preprod_artifact", "size_analysis_started")]
    [InlineData("size_analysis", "size_analysis_completed")]
    [InlineData("external_issue", "created")]
    public void Anything_else_is_unknown(string resource, string? action)
    {
        Assert.False(WebhookCatalog.IsKnown(resource, action));
    }

    [Fact]
    public void The_in_repository_samples_are_byte_identical_to_the_shared_ones_when_those_are_present()
    {
        var shared = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "sentry-samples"));
        if (!Directory.Exists(shared))
        {
            Assert.Skip($"{shared} is not beside this checkout");
        }

        foreach (var file in Directory.GetFiles(shared))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(RepoPaths.Samples, Path.GetFileName(file))));
        }
    }

    // Sentry splits its event token on the dot into the resource header and the body's action.
    private static (string Resource, string Action) Split(string eventType)
    {
        var dot = eventType.IndexOf('.', StringComparison.Ordinal);
        return (eventType[..dot], eventType[(dot + 1)..]);
    }
}
