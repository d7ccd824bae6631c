using System.Text;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class DeliverySummarizerTests
{
    [Theory]
    [InlineData("webhook.issue.created.json", "FRONT-END-9 · ZeroDivisionError: café total — 🔥 <script>alert(1)</script>")]
    [InlineData("webhook.comment.created.json", null)]
    [InlineData("webhook.installation.created.json", "test-org · acme-portal")]
    public void A_delivery_is_described_by_what_it_is_about(string file, string? expected)
    {
        var summary = Describe("x", File.ReadAllBytes(Path.Combine(RepoPaths.Samples, file)), file.Split('.')[1]);

        if (expected is null)
        {
            Assert.False(string.IsNullOrWhiteSpace(summary));
        }
        else
        {
            Assert.Equal(expected, summary);
        }
    }

    [Fact]
    public void The_grant_code_of_an_installation_never_appears_in_its_summary()
    {
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "webhook.installation.created.json"));

        var summary = Describe("created", body, "installation");

        Assert.DoesNotContain("f3c71b491e39", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_are_removed_and_long_text_is_capped_without_splitting_a_surrogate_pair()
    {
        var comment = "line one\r\nline two " + string.Concat(Enumerable.Repeat("🔥", 300));
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { action = "created", data = new { comment } }));

        var summary = Describe("created", body, "comment")!;

        Assert.DoesNotContain('\n', summary);
        Assert.True(summary.Length <= DeliverySummarizer.MaxLength);
        Assert.EndsWith("…", summary, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(summary[^2]));
    }

    // The data objects below follow sentry-docs' webhooks/seer.mdx examples (root_cause.description, changes[]; shortened,
    // without the docs' trailing commas) and the newer getsentry/sentry code (root_cause.one_line_description, solution.one_line_summary, code_changes,
    // iteration_index; seer/autofix/on_completion_hook.py), all snake_case.
    [Theory]
    [InlineData("root_cause_started", """{"run_id":12345,"group_id":1170820242}""", "Root cause started · issue 1170820242")]
    [InlineData(
        "root_cause_completed",
        """{"run_id":12345,"group_id":1170820242,"root_cause":{"description":"Woah wow there's a bug here.","steps":[{"title":"User navigates to the dashboard page, initiating page load.","timeline_item_type":"human_action","relevant_code_file":{"file_path":"N/A","repo_name":"N/A"},"is_most_important_event":false}]}}""",
        "Root cause completed · issue 1170820242 · Woah wow there's a bug here.")]
    [InlineData(
        "root_cause_completed",
        """{"run_id":12345,"sentry_run_id":"5b0f6c1e-8f57-4c39-9a0c-2f1f1c3d4e5f","group_id":1170820242,"root_cause":{"one_line_description":"Cart total divides by the item count of an empty cart.","five_whys":["Why?"]}}""",
        "Root cause completed · issue 1170820242 · Cart total divides by the item count of an empty cart.")]
    [InlineData(
        "solution_completed",
        """{"run_id":12345,"group_id":1170820242,"solution":{"description":"Definitely need to fix this.","steps":[{"title":"Go fix it"},{"title":"Then go fix this other thing."}]}}""",
        "Solution completed · issue 1170820242 · Definitely need to fix this.")]
    [InlineData(
        "solution_completed",
        """{"run_id":12345,"group_id":1170820242,"solution":{"one_line_summary":"Return zero for an empty cart.","steps":[]}}""",
        "Solution completed · issue 1170820242 · Return zero for an empty cart.")]
    [InlineData(
        "coding_completed",
        """{"run_id":12345,"group_id":1170820242,"changes":[{"repo_name":"my-app","repo_external_id":"12345","title":"fix: Initialize undefined variable","description":"This change initializes the 'blooopy' variable before use to prevent ReferenceError","diff":"<the diff as a string>","branch_name":"seer/fix-this-thing"}]}""",
        "Coding completed · issue 1170820242 · fix: Initialize undefined variable")]
    [InlineData(
        "coding_completed",
        """{"run_id":12345,"group_id":1170820242,"code_changes":{"owner/repo":[{"diff":"--- a\n+++ b","path":"src/cart.py","type":"M","added":2,"removed":1},{"diff":"","path":"tests/test_cart.py","type":"A","added":9,"removed":0}]}}""",
        "Coding completed · issue 1170820242 · 2 files changed in owner/repo")]
    [InlineData(
        "pr_created",
        """{"run_id":12345,"group_id":1170820242,"pull_requests":[{"pull_request":{"pr_number":123,"pr_url":"https://github.com/owner/repo/pull/123","pr_id":456789},"repo_name":"my-app","provider":"github"}]}""",
        "PR created · issue 1170820242 · PR #123 my-app")]
    [InlineData("iteration_started", """{"run_id":12345,"sentry_run_id":null,"group_id":1170820242,"iteration_index":2}""", "Iteration started · iteration 2 · issue 1170820242")]
    [InlineData(
        "iteration_completed",
        """{"run_id":12345,"group_id":1170820242,"pull_requests":[{"provider":"github","repo_name":"my-app","pull_request":{"pr_id":456789,"pr_number":123,"pr_url":"https://github.com/owner/repo/pull/123"}}],"code_changes":{"owner/repo":[{"path":"src/cart.py"}]},"iteration_index":2}""",
        "Iteration completed · iteration 2 · issue 1170820242 · PR #123 my-app")]
    [InlineData(
        "pr_ready_for_review",
        """{"run_id":12345,"sentry_run_id":"5b0f6c1e-8f57-4c39-9a0c-2f1f1c3d4e5f","group_id":1170820242,"pull_requests":[{"provider":"github","repo_name":"my-app","pull_request":{"pr_id":1,"pr_number":123,"pr_url":"https://github.com/owner/repo/pull/123"}},{"provider":"unknown","repo_name":"api","pull_request":{"pr_id":2,"pr_number":null,"pr_url":"https://git.example.com/api/pull/7"}}]}""",
        "PR ready for review · issue 1170820242 · PR #123 my-app, https://git.example.com/api/pull/7")]
    public void A_seer_delivery_is_described_by_its_step_issue_and_result(string action, string data, string expected)
    {
        var summary = Describe(action, Envelope(action, data), "seer");

        Assert.Equal(expected, summary);
    }

    [Fact]
    public void A_seer_sample_is_described_by_its_root_cause()
    {
        var summary = Describe("root_cause_completed", File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "webhook.seer.root_cause_completed.json")), "seer");

        Assert.Equal("Root cause completed · issue 1170820242 · Cart total divides by item count when the cart is empty.", summary);
    }

    // The data of sentry-docs' webhooks/preprod-artifacts.mdx build distribution example.
    [Fact]
    public void A_build_distribution_is_described_by_app_version_platform_and_state()
    {
        const string data = """
            {"buildId":"95","organizationSlug":"my-org","projectId":"1","projectSlug":"my-project","platform":"ANDROID",
             "state":"COMPLETED","appInfo":{"appId":"com.example.myapp","name":"MyApp","version":"1.0","buildNumber":1,
             "artifactType":"AAB","dateAdded":"2025-03-24T15:08:57.364465+00:00","dateBuilt":null},
             "gitInfo":{"headSha":"aa64c3dde25a54852dabc77e2cc3239335834aa5","baseSha":"88d7247b737f798e7ae4cfdea96e5c64b8718e8d",
             "provider":"github","headRepoName":"my-org/my-app","baseRepoName":"my-org/my-app","headRef":"feature-branch","baseRef":"main","prNumber":3},
             "buildConfiguration":"release","isInstallable":true,
             "installUrl":"https://sentry.io/api/0/projects/my-org/my-project/files/installablepreprodartifact/abc123/?response_format=apk",
             "isCodeSignatureValid":null,"profileName":null,"codesigningType":null,"errorCode":null,"errorMessage":null}
            """;

        var summary = Describe("build_distribution_completed", Envelope("build_distribution_completed", data), "preprod_artifact");

        Assert.Equal("MyApp 1.0 (ANDROID) · build distribution COMPLETED", summary);
    }

    // The size analysis payloads are sentry-docs' example, shortened (comparisons and git info left out of the second).
    [Theory]
    [InlineData(
        """{"buildId":"72","organizationSlug":"my-org","projectSlug":"my-project","platform":"APPLE","state":"COMPLETED","appInfo":{"appId":"com.example.myapp","name":"MyApp","version":"1.0","buildNumber":2,"artifactType":"XCARCHIVE","dateAdded":"2025-03-19T12:39:44.699049+00:00","dateBuilt":"2025-03-19T12:39:26+00:00"},"gitInfo":{"headSha":"16bee14a5a68d4bb89c48735264b384223754fae","provider":"github","headRef":"feature-branch","baseRef":"main","prNumber":3},"errorCode":null,"errorMessage":null,"downloadSize":28864215,"installSize":30806016,"analysisDuration":21.64,"analysisVersion":"1.2.1","baseBuildId":"57","baseAppInfo":{"name":"MyApp","version":"0.9"},"comparisons":[{"metricsArtifactType":"MAIN_ARTIFACT","identifier":null,"state":"SUCCESS","errorCode":null,"errorMessage":null}]}""",
        "MyApp 1.0 (APPLE) · size analysis COMPLETED")]
    [InlineData(
        """{"buildId":"73","organizationSlug":"my-org","projectSlug":"my-project","platform":"APPLE","state":"FAILED","appInfo":{"appId":"com.example.myapp","name":"MyApp","version":"1.1","buildNumber":3,"artifactType":"XCARCHIVE"},"gitInfo":null,"errorCode":"NO_QUOTA","errorMessage":"Organization has no remaining analysis quota","downloadSize":null,"installSize":null,"comparisons":null}""",
        "MyApp 1.1 (APPLE) · size analysis FAILED: NO_QUOTA")]
    public void A_size_analysis_is_described_by_app_version_platform_and_state(string data, string expected)
    {
        var summary = Describe("size_analysis_completed", Envelope("size_analysis_completed", data), "preprod_artifact");

        Assert.Equal(expected, summary);
    }

    [Fact]
    public void A_failed_build_distribution_names_its_error_code()
    {
        const string data = """{"buildId":"96","platform":"APPLE","state":"FAILED","appInfo":{"appId":"com.example.myapp","name":null,"version":"2.0"},"isInstallable":false,"installUrl":null,"errorCode":"SKIPPED","errorMessage":"Distribution processing was skipped"}""";

        var summary = Describe("build_distribution_completed", Envelope("build_distribution_completed", data), "preprod_artifact");

        Assert.Equal("com.example.myapp 2.0 (APPLE) · build distribution FAILED: SKIPPED", summary);
    }

    [Fact]
    public void The_install_url_of_a_build_never_appears_in_its_summary()
    {
        const string data = """{"buildId":"95","state":"COMPLETED","installUrl":"https://sentry.io/api/0/projects/my-org/my-project/files/installablepreprodartifact/abc123/?response_format=apk"}""";

        var summary = Describe("build_distribution_completed", Envelope("build_distribution_completed", data), "preprod_artifact");

        Assert.Equal("build 95 · build distribution COMPLETED", summary);
    }

    // The legacy size_analysis.completed payload as preprod/size_analysis/webhooks.py built it: app and status.
    [Fact]
    public void A_legacy_size_analysis_is_described_by_app_and_status()
    {
        const string data = """{"buildId":"42","status":"error","errorCode":"TIMEOUT","errorMessage":"Analysis timed out","projectSlug":"my-project","platform":"android","artifactType":"AAB","downloadSize":null,"installSize":null,"app":{"name":"MyApp","version":"0.9","buildNumber":7},"comparison":null,"git":null}""";

        var summary = Describe("completed", Envelope("completed", data), "size_analysis");

        Assert.Equal("MyApp 0.9 (android) · size analysis error: TIMEOUT", summary);
    }

    // Built per ActivityAlertWebhookPayload in notification_action/activity_registry/sentry_app.py (no docs page exists):
    // the newer shape has alert.title and web_url, the older one alert.name and webUrl.
    [Theory]
    [InlineData(
        """{"issue":{"url":"https://sentry.io/api/0/organizations/test-org/issues/1170820242/","web_url":"https://test-org.sentry.io/issues/1170820242/","project_url":"https://test-org.sentry.io/issues/?project=1","id":"1170820242","shortId":"FRONT-END-9","title":"ReferenceError: blooopy is not defined","culprit":"app/page","level":"error","status":"unresolved","project":{"id":"1","name":"front-end","slug":"front-end"}},"activity":{"type":"seer_root_cause_completed","details":{"summary":"Found the root cause"}},"alert":{"id":7,"title":"My workflow","sentry_app_id":42,"url":"https://sentry.io/api/0/organizations/test-org/workflows/7/","web_url":"https://test-org.sentry.io/organizations/test-org/monitors/alerts/7/","settings":[{"name":"channel","value":"#alerts"}]}}""",
        "My workflow · seer_root_cause_completed · FRONT-END-9 ReferenceError: blooopy is not defined")]
    [InlineData(
        """{"issue":{"url":"https://sentry.io/api/0/organizations/test-org/issues/1170820242/","webUrl":"https://test-org.sentry.io/issues/1170820242/","id":"1170820242","shortId":"FRONT-END-9","title":"ReferenceError: blooopy is not defined"},"activity":{"type":"seer_iteration_completed","details":{"pull_requests":[{"repo_name":"my-app","url":"https://github.com/owner/repo/pull/123"}],"iteration_index":2}},"alert":{"id":7,"name":"Old workflow","url":"https://test-org.sentry.io/organizations/test-org/monitors/alerts/7/"}}""",
        "Old workflow · seer_iteration_completed · FRONT-END-9 ReferenceError: blooopy is not defined")]
    [InlineData(
        """{"issue":{"id":"1170820242","shortId":"FRONT-END-9","title":"ReferenceError: blooopy is not defined"},"activity":{"type":"status_resolved","details":{"user":{"id":1,"name":"Meredith Heller","username":"meredith"}}},"alert":{"id":7,"title":"Resolved issues"}}""",
        "Resolved issues · status_resolved · FRONT-END-9 ReferenceError: blooopy is not defined")]
    public void An_activity_alert_is_described_by_workflow_activity_and_issue(string data, string expected)
    {
        var summary = Describe("triggered", Envelope("triggered", data), "activity_alert");

        Assert.Equal(expected, summary);
    }

    [Fact]
    public void A_service_hook_event_is_described_by_project_and_event_title()
    {
        var summary = Describe("event", File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "service-hook.event.json")), "service_hook");

        Assert.Equal("front-end · ZeroDivisionError: division by zero", summary);
    }

    [Theory]
    [InlineData("seer", "root_cause_completed", "{}", "Root cause completed")]
    [InlineData("seer", null, """{"group_id":null,"root_cause":"text","pull_requests":[null,1,{"pull_request":null}],"code_changes":[]}""", null)]
    [InlineData("seer", "coding_completed", """{"code_changes":{"owner/repo":"not a list","other/repo":[{}]}}""", "Coding completed · 1 file changed in 2 repositories")]
    [InlineData("preprod_artifact", "size_analysis_completed", """{"appInfo":null,"platform":null,"state":"FAILED","errorCode":null}""", "size analysis FAILED")]
    [InlineData("preprod_artifact", "completed", """{"appInfo":[],"buildId":7}""", "build 7")]
    [InlineData("size_analysis", "completed", "{}", "size analysis")]
    [InlineData("activity_alert", "triggered", """{"issue":"FRONT-END-9","activity":[],"alert":{"title":3}}""", "3")]
    [InlineData("activity_alert", "triggered", "{}", null)]
    [InlineData("service_hook", "event", """{"project":null,"event":{"title":{}}}""", null)]
    public void Missing_or_odd_fields_give_a_shorter_line_or_none_and_never_throw(string resource, string? action, string data, string? expected)
    {
        var body = resource == "service_hook" ? Encoding.UTF8.GetBytes(data) : Envelope(action, data);

        var summary = Describe(action, body, resource);

        Assert.Equal(expected, summary);
    }

    private static byte[] Envelope(string? action, string data) =>
        Encoding.UTF8.GetBytes(
            $$$"""{"action":{{{JsonSerializer.Serialize(action)}}},"installation":{"uuid":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"},"data":{{{data}}},"actor":{"type":"application","id":"sentry","name":"Sentry"}}""");

    private static string? Describe(string? action, byte[] body, string resource)
    {
        using var document = JsonDocument.Parse(body);
        var delivery = new WebhookDelivery { Body = body, BodySha256 = [], Resource = resource, Action = action, ReceivedAt = DateTimeOffset.UtcNow };
        return DeliverySummarizer.Describe(new WebhookEvent(delivery, document.RootElement));
    }
}
