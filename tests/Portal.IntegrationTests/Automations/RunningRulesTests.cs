using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Automations;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Automations;

/// <summary>
/// An organization's rules run on its deliveries in the real host, against the fake Sentry (issue 14): actions act on
/// Sentry's issue at most once per (rule, delivery), every evaluation says why, dry-run rules only record, the storm
/// limit suppresses, failed actions are retried alone, and deliveries a Sentry App caused run no rules.
/// </summary>
public sealed class RunningRulesTests : InstallationTestHost
{
    // The error sample's issue (data.error.issue_id).
    private const long IssueId = 1170820242;

    private static readonly RuleCondition ZeroDivision = new() { Kind = ConditionKind.Attribute, Field = "exception.type", Operator = MatchOperator.Equals, Value = "zerodivisionerror" };

    private static readonly RuleCondition KeyError = new() { Kind = ConditionKind.Attribute, Field = "exception.type", Operator = MatchOperator.Equals, Value = "KeyError" };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_matching_rule_acts_on_the_sentry_issue_once_in_order_and_the_evaluation_says_which_rules_matched()
    {
        var (installation, issue) = await InstallWithIssueAsync("rules-org");
        var acting = await AddRuleAsync(installation, "Triage division errors", [ZeroDivision],
            new RuleAction { Kind = ActionKind.Comment, Text = "Triaged {issue.id} by {rule.name} ({environment}, {level})" },
            new RuleAction { Kind = ActionKind.Assign, Assignee = "team:7" },
            new RuleAction { Kind = ActionKind.SetPriority, Value = "high" });
        var other = await AddRuleAsync(installation, "Key errors", [KeyError], new RuleAction { Kind = ActionKind.SetStatus, Value = "ignored" });
        var body = ErrorFor(installation, "810000001");

        await SendDeliveryAsync("error", body);
        var delivery = await Portal.ProcessedDeliveryAsync(body);
        var run = Assert.Single(await Portal.SettledRunsAsync(1));

        Assert.Equal([$"Triaged {IssueId} by Triage division errors (production, error)"], issue.Comments.Select(c => c.Text));
        Assert.Equal(("team:7", "high", "unresolved"), (issue.Assignee, issue.Priority, issue.Status));
        Assert.Equal((acting, delivery.Id, AutomationRunOutcome.Acted, 3), (run.RuleId, run.DeliveryId, run.Outcome, run.ActionCount));
        Assert.All(RuleJson.Results(run.Results), result => Assert.Equal(ActionResult.Done, result.Status));
        var verdicts = await VerdictsAsync(delivery.Id);
        Assert.Equal([(acting, true), (other, false)], verdicts.Select(v => (v.RuleId, v.Matched)));
        Assert.Equal("the event's exception.type is \"ZeroDivisionError\": equals \"KeyError\" does not hold", verdicts[1].Why);
    }

    [Fact]
    public async Task Processing_the_same_delivery_again_never_runs_a_rules_actions_twice()
    {
        var (installation, issue) = await InstallWithIssueAsync("again-org");
        await AddRuleAsync(installation, "Comment", [ZeroDivision], new RuleAction { Kind = ActionKind.Comment, Text = "seen" });
        var body = ErrorFor(installation, "810000002");
        await SendDeliveryAsync("error", body);
        var delivery = await Portal.ProcessedDeliveryAsync(body);
        await Portal.SettledRunsAsync(1);

        // What a replay, a lapsed claim or a restart does: the delivery is due again and processed again.
        await using (var db = Portal.OpenDatabase())
        {
            await db.WebhookDeliveries.Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.State, DeliveryState.Pending).SetProperty(x => x.ProcessedAt, (DateTimeOffset?)null), Cancel);
        }

        Portal.Services.GetRequiredService<Portal.Webhooks.WorkSignal>().Notify();
        await Eventually.TrueAsync(async () => (await Portal.FindDeliveryAsync(body))?.Attempts == 2 && (await Portal.FindDeliveryAsync(body))?.State == DeliveryState.Processed, "the second processing");

        Assert.Single(await Portal.SettledRunsAsync(1));
        Assert.Single(issue.Comments);
    }

    [Fact]
    public async Task A_replay_asks_before_running_actions_again_and_runs_them_only_when_told_to()
    {
        var (installation, issue) = await InstallWithIssueAsync("replay-org");
        await AddRuleAsync(installation, "Comment once", [ZeroDivision], new RuleAction { Kind = ActionKind.Comment, Text = "seen" });
        var body = ErrorFor(installation, "810000011");
        await SendDeliveryAsync("error", body);
        var delivery = await Portal.ProcessedDeliveryAsync(body);
        await Portal.SettledRunsAsync(1);
        var scope = AccessScope.Managing(installation.OrganizationId);
        var replay = Service<Portal.Dashboard.IReplayConsequence>();
        var details = Service<Portal.Dashboard.DeliveryDetails>();

        Assert.Contains("\"Comment once\"", await replay.QuestionAsync(delivery.Id, scope, Cancel), StringComparison.Ordinal);
        Assert.Null(await replay.QuestionAsync(delivery.Id, AccessScope.Managing(installation.OrganizationId + 1000), Cancel));

        // "Replay without them": the handlers run again, the comment is not posted again.
        Assert.True(await details.ReplayAsync(delivery.Id, scope, Cancel));
        await Eventually.TrueAsync(async () => (await Portal.FindDeliveryAsync(body))!.Flags.HasFlag(DeliveryFlags.Replay)
            && (await Portal.FindDeliveryAsync(body))!.State == DeliveryState.Processed, "the first replay");
        Assert.Single(issue.Comments);

        // "Replay and run them again": the comment is sent again, and Sentry — as it does with the same text within an
        // hour — refuses it, which is recorded rather than retried until the delivery is dead.
        Assert.True(await details.ReplayAsync(delivery.Id, scope, Cancel, [replay]));
        await Eventually.TrueAsync(() => Task.FromResult(Sentry.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/comments/", StringComparison.Ordinal)) == 2), "the comment sent again");
        var again = await Portal.ProcessedDeliveryAsync(body);
        var result = Assert.Single(RuleJson.Results(Assert.Single(await Portal.SettledRunsAsync(1)).Results));
        Assert.Equal((ActionResult.Skipped, "Sentry refused it: You have already posted that comment."), (result.Status, result.Detail));
        Assert.Single(issue.Comments);
        Assert.Equal(DeliveryState.Processed, again.State);
    }

    [Fact]
    public async Task Rules_run_on_issue_deliveries_which_carry_no_event_and_templates_leave_missing_fields_empty()
    {
        var (installation, _) = await InstallWithIssueAsync("issue-rules-org");
        var issue = Sentry.AddIssue("issue-rules-org", 810000012, "FRONT-END-9");
        await AddRuleAsync(installation, "New issues", [new RuleCondition { Kind = ConditionKind.Tag, Field = "environment", Operator = MatchOperator.NotEquals, Value = "staging" }],
            triggers: "issue.created", actions: [new RuleAction { Kind = ActionKind.Comment, Text = "New: {issue.shortId} [{level}] [{environment}]" }]);
        var body = SampleFor(installation, "webhook.issue.created.json", "810000012");

        await SendDeliveryAsync("issue", body);
        var delivery = await Portal.ProcessedDeliveryAsync(body);
        await Portal.SettledRunsAsync(1);

        Assert.Equal(["New: FRONT-END-9 [error] []"], issue.Comments.Select(c => c.Text));
        Assert.True(Assert.Single(await VerdictsAsync(delivery.Id)).Matched);
    }

    [Fact]
    public async Task A_dry_run_only_rule_records_what_it_would_do_and_calls_nothing()
    {
        var (installation, issue) = await InstallWithIssueAsync("dry-org");
        await AddRuleAsync(installation, "Try me", [ZeroDivision], mode: AutomationMode.DryRunOnly, actions:
            [new RuleAction { Kind = ActionKind.SetStatus, Value = "resolved" }, new RuleAction { Kind = ActionKind.Comment, Text = "on {project}" }]);
        var body = ErrorFor(installation, "810000003");

        await SendDeliveryAsync("error", body);
        await Portal.ProcessedDeliveryAsync(body);

        var run = Assert.Single(await RunsAsync());
        Assert.Equal(AutomationRunOutcome.DryRun, run.Outcome);
        Assert.Equal(
            [(ActionResult.Would, "set issue 1170820242 resolved"), (ActionResult.Would, "comment on issue 1170820242: \"on front-end\"")],
            RuleJson.Results(run.Results).Select(r => (r.Status, r.Detail)));
        Assert.Equal(("unresolved", 0), (issue.Status, issue.Comments.Count));
        Assert.DoesNotContain(Sentry.Requests, r => r.Path.Contains("/issues/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Past_its_limit_a_rule_records_suppressed_instead_of_acting()
    {
        var (installation, issue) = await InstallWithIssueAsync("storm-org");
        await AddRuleAsync(installation, "Noisy", [ZeroDivision], perMinute: 2,
            actions: [new RuleAction { Kind = ActionKind.Comment, Text = "one {issue.id}" }, new RuleAction { Kind = ActionKind.SetPriority, Value = "high" }]);
        var first = ErrorFor(installation, "810000004");
        var second = ErrorFor(installation, "810000005");

        await SendDeliveryAsync("error", first);
        await Portal.ProcessedDeliveryAsync(first);
        await Portal.SettledRunsAsync(1);
        await SendDeliveryAsync("error", second);
        await Portal.ProcessedDeliveryAsync(second);

        Assert.Equal([AutomationRunOutcome.Acted, AutomationRunOutcome.Suppressed], (await Portal.SettledRunsAsync(2)).Select(r => r.Outcome));
        Assert.Single(issue.Comments);

        // A minute later the rule acts again.
        Time.Advance(AutomationRunner.LimitWindow + TimeSpan.FromSeconds(1));
        var third = ErrorFor(installation, "810000006");
        await SendDeliveryAsync("error", third);
        await Portal.ProcessedDeliveryAsync(third);
        Assert.Equal([AutomationRunOutcome.Acted, AutomationRunOutcome.Suppressed, AutomationRunOutcome.Acted], (await Portal.SettledRunsAsync(3)).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Failed_actions_are_retried_on_the_delivery_schedule_and_the_ones_that_worked_are_not_repeated()
    {
        var (installation, issue) = await InstallWithIssueAsync("retry-org");
        await AddRuleAsync(installation, "Two steps", [ZeroDivision],
            new RuleAction { Kind = ActionKind.Ticket, Title = "{event.title}", Value = "high" },
            new RuleAction { Kind = ActionKind.Comment, Text = "ticket made" });
        var body = ErrorFor(installation, "810000007");
        Sentry.Down = true;

        await SendDeliveryAsync("error", body);
        var delivery = await Portal.ProcessedDeliveryAsync(body);
        var run = Assert.Single(await Portal.SettledRunsAsync(1));

        // The delivery itself is done; the run waits for its next attempt, saying what failed.
        Assert.Equal(DeliveryState.Processed, delivery.State);
        Assert.Equal((AutomationRunOutcome.Failed, 1), (run.Outcome, run.Attempts));
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(1), run.NextAttemptAt);
        Assert.Equal([ActionResult.Done, ActionResult.Failed], RuleJson.Results(run.Results).Select(r => r.Status));

        Sentry.Down = false;
        Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(async () => (await RunsAsync()).Single().Outcome == AutomationRunOutcome.Acted, "the failed action retried");

        Assert.Equal(["ticket made"], issue.Comments.Select(c => c.Text));
        await using var db = Portal.OpenDatabase();
        var ticket = Assert.Single(await db.Tickets.ToListAsync(Cancel));
        Assert.Equal(("ZeroDivisionError: division by zero", TicketPriority.High), (ticket.Title, ticket.Priority));
        Assert.Equal(2, (await RunsAsync()).Single().Attempts);
    }

    [Fact]
    public async Task A_retry_runs_the_actions_the_rule_matched_with_even_after_an_edit_and_none_once_the_rule_is_off()
    {
        var (installation, issue) = await InstallWithIssueAsync("edited-org");
        var rule = await AddRuleAsync(installation, "Edited", [ZeroDivision],
            new RuleAction { Kind = ActionKind.SetPriority, Value = "high" },
            new RuleAction { Kind = ActionKind.Comment, Text = "as matched" });
        var first = ErrorFor(installation, "810000013");
        var second = ErrorFor(installation, "810000014");
        Sentry.Down = true;
        await SendDeliveryAsync("error", first);
        await Portal.ProcessedDeliveryAsync(first);
        await SendDeliveryAsync("error", second);
        await Portal.ProcessedDeliveryAsync(second);
        await Portal.SettledRunsAsync(2);

        // Reordered and reworded in between: the first run still does what it matched with.
        await using (var db = Portal.OpenDatabase())
        {
            await db.AutomationRules.Where(r => r.Id == rule).ExecuteUpdateAsync(s => s.SetProperty(r => r.Actions,
                RuleJson.Write([new RuleAction { Kind = ActionKind.Comment, Text = "edited" }, new RuleAction { Kind = ActionKind.SetStatus, Value = "ignored" }])), Cancel);
        }

        Sentry.Down = false;
        Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(async () => (await RunsAsync()).All(r => r.Outcome == AutomationRunOutcome.Acted), "both runs retried");
        Assert.Equal(["as matched"], issue.Comments.Select(c => c.Text).Distinct());
        Assert.Equal(("high", "unresolved"), (issue.Priority, issue.Status));

        // Turned off while a run waits: it does nothing, and says why.
        var third = ErrorFor(installation, "810000015");
        Sentry.Down = true;
        await SendDeliveryAsync("error", third);
        await Portal.ProcessedDeliveryAsync(third);
        await Portal.SettledRunsAsync(3);
        await using (var db = Portal.OpenDatabase())
        {
            await db.AutomationRules.Where(r => r.Id == rule).ExecuteUpdateAsync(s => s.SetProperty(r => r.Enabled, false), Cancel);
        }

        Sentry.Down = false;
        Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(async () => (await RunsAsync())[2].Outcome == AutomationRunOutcome.Cancelled, "the waiting run cancelled");
        Assert.Contains(RuleJson.Results((await RunsAsync())[2].Results), r => r.Detail.StartsWith("not run: the rule was turned off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rule_that_goes_live_after_dry_running_acts_on_a_delivery_it_had_only_dry_run()
    {
        var (installation, issue) = await InstallWithIssueAsync("live-org");
        var rule = await AddRuleAsync(installation, "Try, then act", [ZeroDivision], mode: AutomationMode.DryRunOnly,
            actions: [new RuleAction { Kind = ActionKind.Comment, Text = "now live" }]);
        var body = ErrorFor(installation, "810000016");
        await SendDeliveryAsync("error", body);
        var delivery = await Portal.ProcessedDeliveryAsync(body);
        Assert.Equal(AutomationRunOutcome.DryRun, Assert.Single(await Portal.SettledRunsAsync(1)).Outcome);

        await using (var db = Portal.OpenDatabase())
        {
            await db.AutomationRules.Where(r => r.Id == rule).ExecuteUpdateAsync(s => s.SetProperty(r => r.Mode, AutomationMode.Live), Cancel);
        }

        Service<RuleBook>().Forget(installation.OrganizationId);
        Assert.True(await Service<Portal.Dashboard.DeliveryDetails>().ReplayAsync(delivery.Id, AccessScope.Managing(installation.OrganizationId), Cancel));
        await Eventually.TrueAsync(async () => (await RunsAsync()).Single().Outcome == AutomationRunOutcome.Acted, "the rule acting once live");
        Assert.Equal(["now live"], issue.Comments.Select(c => c.Text));
    }

    [Fact]
    public async Task A_stop_action_keeps_later_rules_from_running()
    {
        var (installation, issue) = await InstallWithIssueAsync("stop-org");
        await AddRuleAsync(installation, "First", [ZeroDivision], new RuleAction { Kind = ActionKind.Comment, Text = "first" }, new RuleAction { Kind = ActionKind.Stop });
        await AddRuleAsync(installation, "Second", [ZeroDivision], new RuleAction { Kind = ActionKind.Comment, Text = "second" });
        var body = ErrorFor(installation, "810000008");

        await SendDeliveryAsync("error", body);
        var delivery = await Portal.ProcessedDeliveryAsync(body);
        await Portal.SettledRunsAsync(1);

        Assert.Equal(["first"], issue.Comments.Select(c => c.Text));
        Assert.Single(await VerdictsAsync(delivery.Id));
    }

    [Fact]
    public async Task A_delivery_a_sentry_app_caused_runs_no_rules_so_the_portals_own_changes_cannot_loop()
    {
        var (installation, issue) = await InstallWithIssueAsync("loop-org");
        await AddRuleAsync(installation, "On resolve, comment", [], triggers: "issue.resolved", actions: [new RuleAction { Kind = ActionKind.Comment, Text = "resolved" }]);
        var byApp = AsApplication(SampleFor(installation, "webhook.issue.resolved.json", "810000009"));

        await SendDeliveryAsync("issue", byApp);
        var delivery = await Portal.ProcessedDeliveryAsync(byApp);

        Assert.Empty(issue.Comments);
        Assert.Empty(await RunsAsync());
        Assert.Contains("caused by the Sentry App Acme Portal", Assert.Single(await VerdictsAsync(delivery.Id)).Why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frequency_condition_counts_the_issues_events_that_met_the_other_conditions_within_its_window()
    {
        var (installation, issue) = await InstallWithIssueAsync("frequency-org");
        await AddRuleAsync(installation, "Busy issue", [ZeroDivision, Frequency(RuleFrequency.IssueEvents, 2, 10)],
            new RuleAction { Kind = ActionKind.Comment, Text = "busy {issue.id}" });
        List<byte[]> bodies = [ErrorFor(installation, "810000021"), ErrorFor(installation, "810000022"), ErrorFor(installation, "810000023")];

        var verdicts = new List<RuleVerdict>();
        foreach (var body in bodies)
        {
            await SendDeliveryAsync("error", body);
            verdicts.Add(Assert.Single(await VerdictsAsync((await Portal.ProcessedDeliveryAsync(body)).Id)));
        }

        Assert.Equal([false, false, true], verdicts.Select(v => v.Matched));
        Assert.Equal("2 events of issue 1170820242 in the last 10 minutes: more than 2 does not hold", verdicts[1].Why);
        Assert.EndsWith("; 3 events of issue 1170820242 in the last 10 minutes: more than 2 holds", verdicts[2].Why, StringComparison.Ordinal);
        Assert.Single(await Portal.SettledRunsAsync(1));
        Assert.Equal([$"busy {IssueId}"], issue.Comments.Select(c => c.Text));

        // Out of the window, the count starts again.
        Time.Advance(TimeSpan.FromMinutes(11));
        var later = ErrorFor(installation, "810000024");
        await SendDeliveryAsync("error", later);
        Assert.Equal("1 events of issue 1170820242 in the last 10 minutes: more than 2 does not hold",
            Assert.Single(await VerdictsAsync((await Portal.ProcessedDeliveryAsync(later)).Id)).Why);
    }

    [Fact]
    public async Task A_distinct_issues_condition_counts_issues_not_events()
    {
        var (installation, _) = await InstallWithIssueAsync("spread-org");
        await AddRuleAsync(installation, "Spreading", [Frequency(RuleFrequency.DistinctIssues, 1, 60)], new RuleAction { Kind = ActionKind.SetPriority, Value = "high" });
        var sameIssue = ErrorFor(installation, "810000031");
        var otherIssue = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(ErrorFor(installation, "810000032"))
            .Replace(IssueId.ToString(System.Globalization.CultureInfo.InvariantCulture), "1170820243", StringComparison.Ordinal));
        Sentry.AddIssue("spread-org", 1170820243, "FRONT-END-10");

        var verdicts = new List<RuleVerdict>();
        foreach (var body in new[] { ErrorFor(installation, "810000030"), sameIssue, otherIssue })
        {
            await SendDeliveryAsync("error", body);
            verdicts.Add(Assert.Single(await VerdictsAsync((await Portal.ProcessedDeliveryAsync(body)).Id)));
        }

        Assert.Equal([false, false, true], verdicts.Select(v => v.Matched));
        Assert.Equal("2 distinct issues in the last 60 minutes: more than 1 holds", verdicts[2].Why.Split("; ")[^1]);
    }

    [Fact]
    public async Task The_editors_dry_run_judges_stored_deliveries_as_processing_would_and_changes_nothing()
    {
        var (installation, issue) = await InstallWithIssueAsync("try-org");
        foreach (var body in new List<byte[]> { ErrorFor(installation, "810000041"), ErrorFor(installation, "810000042"), ErrorFor(installation, "810000043") })
        {
            await SendDeliveryAsync("error", body);
            await Portal.ProcessedDeliveryAsync(body);
        }

        var byApp = AsApplication(ErrorFor(installation, "810000044"));
        await SendDeliveryAsync("error", byApp);
        await Portal.ProcessedDeliveryAsync(byApp);
        var requestsBefore = Sentry.Requests.Count;
        var draft = new RuleDraft
        {
            OrganizationId = installation.OrganizationId,
            Name = "Try it",
            Enabled = true,
            Mode = AutomationMode.Live,
            Triggers = ["error.created"],
            Conditions = [ZeroDivision, Frequency(RuleFrequency.IssueEvents, 1, 60)],
            Actions = [new RuleAction { Kind = ActionKind.Comment, Text = "seen" }, new RuleAction { Kind = ActionKind.Ticket, Title = "{event.title}" }],
            ActionsPerMinute = 2,
        };

        var result = await Service<DryRun>().RunAsync(AccessScope.Managing(installation.OrganizationId), draft, 1, Cancel);

        // The first event is alone in its window; the app's own delivery runs no rules; the limit allows one run a minute.
        Assert.Null(result.Problem);
        Assert.Equal(4, result.Considered);
        Assert.Equal([false, true], result.Matches.Select(m => m.Suppressed));
        Assert.Equal(ActionResult.Would, result.Matches[0].Actions[0].Status);
        Assert.Equal(requestsBefore, Sentry.Requests.Count);
        Assert.Empty(issue.Comments);
        await using var db = Portal.OpenDatabase();
        Assert.Equal((0, 0, 0), (await db.AutomationRuns.CountAsync(Cancel), await db.Tickets.CountAsync(Cancel), await db.AutomationSightings.CountAsync(Cancel)));

        var reader = await Service<DryRun>().RunAsync(AccessScope.Reading(installation.OrganizationId), draft, 1, Cancel);
        Assert.Equal("Pick one of the organizations whose integrations you manage.", reader.Problem);
    }

    private static RuleCondition Frequency(string field, int count, int minutes) =>
        new() { Kind = ConditionKind.Frequency, Field = field, Value = count.ToString(System.Globalization.CultureInfo.InvariantCulture), Minutes = minutes };

    // The error sample with its own event id, so it is a new delivery of the same issue.
    private static byte[] ErrorFor(FakeInstallation installation, string marker)
    {
        var sample = SampleDeliveries.Named("webhook.error.created.json");
        var text = System.Text.Encoding.UTF8.GetString(sample.Body)
            .Replace("bb78c1407cea4519aa397afc059c793d", marker.PadLeft(32, '0'), StringComparison.Ordinal)
            .Replace(PortalWithSentryFactory.SampleInstallation, installation.Uuid.ToString(), StringComparison.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(text);
    }

    [Fact]
    public async Task Routing_by_code_owners_assigns_the_owner_of_the_last_matching_line_for_the_first_in_app_frame()
    {
        var (installation, issue) = await InstallWithIssueAsync("owners-org");
        var problem = await Service<CodeOwnersRouting>().SaveAsync(AccessScope.Managing(installation.OrganizationId), installation.OrganizationId, """
            *.py      team:3
            checkout/ jane@example.com
            /django/  team:9
            """, "admin", Cancel);
        Assert.Null(problem);
        await AddRuleAsync(installation, "Route by owners", [], new RuleAction { Kind = ActionKind.RouteByCodeOwners });
        var body = ErrorFor(installation, "810000010");

        await SendDeliveryAsync("error", body);
        await Portal.ProcessedDeliveryAsync(body);
        var run = Assert.Single(await Portal.SettledRunsAsync(1));

        // The sample's frames: django/core/handlers/base.py (not in app), then checkout/views.py (in app, innermost).
        Assert.Equal("jane@example.com", issue.Assignee);
        var result = Assert.Single(RuleJson.Results(run.Results));
        Assert.Equal("assigned the issue to jane@example.com (checkout/views.py: CODEOWNERS line 2 (checkout/))", result.Detail);
    }

    private async Task<(FakeInstallation Installation, FakeIssue Issue)> InstallWithIssueAsync(string organization)
    {
        Sentry.RefuseRepeatedComments = true;
        var installation = await InstallAsync(organization);
        return (installation, Sentry.AddIssue(organization, IssueId, "FRONT-END-9"));
    }

    private async Task<int> AddRuleAsync(FakeInstallation installation, string name, RuleCondition[] conditions, params RuleAction[] actions) =>
        await AddRuleAsync(installation, name, conditions, actions: actions, mode: AutomationMode.Live);

    private async Task<int> AddRuleAsync(
        FakeInstallation installation, string name, RuleCondition[] conditions, RuleAction[] actions,
        AutomationMode mode = AutomationMode.Live, int perMinute = 60, string triggers = "error.created")
    {
        await using var db = Portal.OpenDatabase();
        var rule = new AutomationRule
        {
            OrganizationId = installation.OrganizationId,
            Name = name,
            Enabled = true,
            Mode = mode,
            Position = await db.AutomationRules.CountAsync(Cancel),
            Triggers = triggers,
            Conditions = RuleJson.Write(conditions),
            Actions = RuleJson.Write(actions),
            ActionsPerMinute = perMinute,
            CreatedBy = "test",
            CreatedAt = Time.GetUtcNow(),
        };
        db.AutomationRules.Add(rule);
        await db.SaveChangesAsync(Cancel);
        return rule.Id;
    }

    private async Task<List<AutomationRun>> RunsAsync()
    {
        await using var db = Portal.OpenDatabase();
        return await db.AutomationRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Cancel);
    }

    private async Task<List<RuleVerdict>> VerdictsAsync(long deliveryId)
    {
        await using var db = Portal.OpenDatabase();
        var evaluation = await db.AutomationEvaluations.AsNoTracking().SingleAsync(e => e.DeliveryId == deliveryId, Cancel);
        return [.. RuleJson.Verdicts(evaluation.Results)];
    }

    // The same delivery as another Sentry App's change (or this portal's own) reports it.
    private static byte[] AsApplication(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject().Where(p => p.Name != "actor"))
            {
                property.WriteTo(writer);
            }

            writer.WriteStartObject("actor");
            writer.WriteString("type", "application");
            writer.WriteString("id", Guid.NewGuid().ToString());
            writer.WriteString("name", "Acme Portal");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
