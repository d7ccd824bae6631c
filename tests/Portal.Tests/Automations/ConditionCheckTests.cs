using System.Text.Json;
using Portal.Automations;

namespace Portal.Tests.Automations;

/// <summary>
/// Conditions read Sentry's own sample bodies the way Sentry's issue-alert filters read an event
/// (getsentry/sentry src/sentry/rules/match.py, conditions/event_attribute.py, tagged_event.py, level.py).
/// The error sample: python, level error, ZeroDivisionError "division by zero", culprit "checkout.views in total",
/// frames django/core/handlers/base.py and checkout/views.py (in app), tag environment=production, project front-end.
/// </summary>
public sealed class ConditionCheckTests
{
    private static readonly EventFacts Error = Facts("webhook.error.created.json", "error", "created");

    [Theory]
    [InlineData("exception.type", "eq", "ZeroDivisionError", true)]
    [InlineData("exception.type", "eq", "zerodivisionerror", true)]
    [InlineData("exception.type", "eq", "ZeroDivision", false)]
    [InlineData("exception.type", "ne", "KeyError", true)]
    [InlineData("exception.type", "ne", "ZeroDivisionError", false)]
    [InlineData("exception.value", "sw", "division", true)]
    [InlineData("exception.value", "sw", "zero", false)]
    [InlineData("exception.value", "nsw", "zero", true)]
    [InlineData("exception.value", "ew", "BY ZERO", true)]
    [InlineData("exception.value", "new", "by zero", false)]
    [InlineData("culprit", "co", "views", true)]
    [InlineData("culprit", "nc", "views", false)]
    [InlineData("culprit", "nc", "payments", true)]
    [InlineData("platform", "in", "javascript, python", true)]
    [InlineData("platform", "nin", "javascript,ruby", true)]
    [InlineData("platform", "is", null, true)]
    [InlineData("platform", "ns", null, false)]
    [InlineData("stacktrace.filename", "eq", "checkout/views.py", true)]
    [InlineData("stacktrace.filename", "sw", "django/", true)]
    [InlineData("stacktrace.module", "eq", "checkout.views", true)]
    [InlineData("environment", "eq", "production", true)]
    [InlineData("project", "eq", "front-end", true)]
    [InlineData("message", "co", "division by zero", true)]
    [InlineData("type", "eq", "error", true)]
    [InlineData("exception.type", "re", "^zero.*error$", true)]
    [InlineData("exception.type", "re", "^Key", false)]
    public void Each_operator_compares_like_sentry_case_insensitively_over_every_value(string attribute, string op, string? value, bool expected)
    {
        var (passed, why) = Check("attribute", attribute, op, value).Test(Error);

        Assert.True(expected == passed, why);
    }

    [Theory]
    [InlineData("eq", false)]
    [InlineData("sw", false)]
    [InlineData("co", false)]
    [InlineData("re", false)]
    [InlineData("in", false)]
    [InlineData("is", false)]
    [InlineData("ne", true)]
    [InlineData("nc", true)]
    [InlineData("nin", true)]
    [InlineData("ns", true)]
    public void A_field_missing_from_the_payload_never_throws_and_says_so(string op, bool expected)
    {
        // The sample's user has only an IP address.
        var (passed, why) = Check("attribute", "user.email", op, "jane@example.com").Test(Error);

        Assert.Equal(expected, passed);
        Assert.Contains("user.email is not in this delivery", why, StringComparison.Ordinal);
    }

    [Fact]
    public void An_issue_delivery_has_no_event_fields_and_its_conditions_fail_with_a_reason()
    {
        var issue = Facts("webhook.issue.created.json", "issue", "created");

        var (passed, why) = Check(ConditionKind.Attribute, "stacktrace.filename", MatchOperator.Contains, "views").Test(issue);

        Assert.False(passed);
        Assert.Equal("the event's stacktrace.filename is not in this delivery: contains \"views\" does not hold", why);
    }

    [Fact]
    public void Non_ascii_values_compare_case_insensitively()
    {
        var facts = FactsOf("error", "created", """
            {"action":"created","data":{"error":{"title":"Ошибка","exception":{"values":[{"type":"ÄrgerError","value":"Größe überschritten — ÉTÉ 東京"}]},"tags":[["environment","Prod-Zürich"]]}}}
            """);

        Assert.True(Check(ConditionKind.Attribute, "exception.type", MatchOperator.Equals, "äRGERERROR").Test(facts).Passed);
        Assert.True(Check(ConditionKind.Attribute, "exception.value", MatchOperator.Contains, "GRÖSSE").Test(facts).Passed is false);
        Assert.True(Check(ConditionKind.Attribute, "exception.value", MatchOperator.Contains, "größe ÜBERSCHRITTEN").Test(facts).Passed);
        Assert.True(Check(ConditionKind.Attribute, "exception.value", MatchOperator.EndsWith, "été 東京").Test(facts).Passed);
        Assert.True(Check(ConditionKind.Tag, "environment", MatchOperator.Equals, "prod-zürich").Test(facts).Passed);
        Assert.True(Check(ConditionKind.Attribute, "exception.value", MatchOperator.Matches, "ÉTÉ\\s+東京$").Test(facts).Passed);
    }

    [Fact]
    public void Tags_match_by_key_case_insensitively_without_sentrys_prefix_and_repeated_keys_all_count()
    {
        var facts = FactsOf("error", "created", """
            {"data":{"error":{"tags":[["Browser","Chrome 120"],["sentry:release","web@2.0"],["region","eu"],["region","us"]]}}}
            """);

        Assert.True(Check(ConditionKind.Tag, "browser", MatchOperator.StartsWith, "chrome").Test(facts).Passed);
        Assert.True(Check(ConditionKind.Tag, "release", MatchOperator.Equals, "web@2.0").Test(facts).Passed);
        Assert.True(Check(ConditionKind.Tag, "region", MatchOperator.Equals, "us").Test(facts).Passed);
        Assert.False(Check(ConditionKind.Tag, "region", MatchOperator.NotEquals, "us").Test(facts).Passed);
        Assert.True(Check(ConditionKind.Tag, "device", MatchOperator.NotSet, null).Test(facts).Passed);
        Assert.Equal("web@2.0", facts.Attribute("release")[0]);
    }

    [Theory]
    [InlineData("eq", "error", true)]
    [InlineData("gte", "warning", true)]
    [InlineData("gte", "fatal", false)]
    [InlineData("lte", "error", true)]
    [InlineData("lte", "info", false)]
    public void Levels_compare_by_sentrys_rank(string op, string level, bool expected)
    {
        Assert.Equal(expected, Check("level", null, op, level).Test(Error).Passed);
    }

    [Fact]
    public void A_level_sentry_does_not_rank_fails_with_a_reason()
    {
        var facts = FactsOf("error", "created", """{"data":{"error":{"tags":[["level","loud"]]}}}""");

        var (passed, why) = Check(ConditionKind.Level, null, MatchOperator.AtLeast, "info").Test(facts);

        Assert.False(passed);
        Assert.Contains("\"loud\" is not one Sentry ranks", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_state_is_read_from_issue_deliveries_and_an_event_says_it_cannot_tell()
    {
        var created = Facts("webhook.issue.created.json", "issue", "created");
        var assigned = Facts("webhook.issue.assigned.json", "issue", "assigned");

        Assert.True(Check(ConditionKind.Issue, "first_seen", default, null).Test(created).Passed);
        Assert.True(Check(ConditionKind.Issue, "unassigned", default, null).Test(created).Passed);
        Assert.False(Check(ConditionKind.Issue, "unassigned", default, null).Test(assigned).Passed);
        Assert.False(Check(ConditionKind.Issue, "regression", default, null).Test(created).Passed);
        Assert.False(Check(ConditionKind.Issue, "first_seen", default, null).Test(assigned).Passed);
        Assert.True(Check(ConditionKind.Issue, "assigned_to", default, AssigneeOf(assigned)).Test(assigned).Passed);
        Assert.False(Check(ConditionKind.Issue, "assigned_to", default, "someone-else@example.com").Test(assigned).Passed);
        var (passed, why) = Check(ConditionKind.Issue, "unassigned", default, null).Test(Error);
        Assert.False(passed);
        Assert.Equal("only issue deliveries say who an issue is assigned to", why);
    }

    [Fact]
    public void A_regular_expression_that_runs_too_long_is_a_failed_condition_not_a_hang()
    {
        var culprit = new string('a', 5000) + "!";
        var facts = FactsOf("error", "created", $$"""{"data":{"error":{"culprit":"{{culprit}}"} } }""");

        var (passed, why) = Check(ConditionKind.Attribute, "culprit", MatchOperator.Matches, "^(a|aa)+$").Test(facts);

        Assert.False(passed);
        Assert.Contains("took longer than 100 ms", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attribute", "nonsense", "eq", "x", "is not an attribute")]
    [InlineData("attribute", "platform", "eq", "", "needs a value")]
    [InlineData("attribute", "platform", "re", "([", "not valid")]
    [InlineData("attribute", "platform", "gte", "error", "compare levels only")]
    [InlineData("level", null, "co", "error", "equal to, at least or at most")]
    [InlineData("level", null, "gte", "critical", "is not a level")]
    [InlineData("tag", " ", "is", null, "tag's key")]
    [InlineData("issue", "assigned_to", "eq", "", "Say who")]
    public void A_condition_that_cannot_work_is_refused_with_the_reason(string kind, string? field, string op, string? value, string problem)
    {
        Assert.Contains(problem, ConditionCheck.Problem(new RuleCondition { Kind = Code<ConditionKind>(kind), Field = field, Operator = Code<MatchOperator>(op), Value = value }), StringComparison.Ordinal);
    }

    // The sample's assignee, by email when it has one, else as type:id.
    private static string AssigneeOf(EventFacts facts)
    {
        var assignee = facts.AssignedTo!.Value;
        return assignee.TryGetProperty("email", out var email) && email.GetString() is { Length: > 0 } address
            ? address.ToUpperInvariant()
            : $"{assignee.GetProperty("type").GetString()}:{assignee.GetProperty("id")}";
    }

    private static ConditionCheck Check(string kind, string? field, string op, string? value) =>
        Check(Code<ConditionKind>(kind), field, Code<MatchOperator>(op), value);

    // Theories name operators by Sentry's codes (eq, nsw, gte …), as rules store them.
    private static T Code<T>(string code) => JsonSerializer.Deserialize<T>($"\"{code}\"")!;

    private static ConditionCheck Check(ConditionKind kind, string? field, MatchOperator op, string? value)
    {
        var condition = new RuleCondition { Kind = kind, Field = field, Operator = op, Value = value };
        Assert.Null(ConditionCheck.Problem(condition));
        return ConditionCheck.Create(condition);
    }

    internal static EventFacts Facts(string sample, string resource, string action) =>
        FactsOf(resource, action, File.ReadAllText(Path.Combine(RepoPaths.Samples, sample)));

    internal static EventFacts FactsOf(string resource, string action, string json)
    {
        using var document = JsonDocument.Parse(json);
        return EventFacts.From(resource, action, document.RootElement.Clone());
    }
}
