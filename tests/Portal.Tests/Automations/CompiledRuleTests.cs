using Portal.Automations;
using Portal.Data.Entities;

namespace Portal.Tests.Automations;

/// <summary>A rule's verdict on a delivery: its triggers, projects and conditions combined all / any / none, and why.</summary>
public sealed class CompiledRuleTests
{
    private static readonly EventFacts Error = ConditionCheckTests.Facts("webhook.error.created.json", "error", "created");

    private static readonly RuleCondition Python = new() { Kind = ConditionKind.Attribute, Field = "platform", Operator = MatchOperator.Equals, Value = "python" };

    private static readonly RuleCondition KeyError = new() { Kind = ConditionKind.Attribute, Field = "exception.type", Operator = MatchOperator.Equals, Value = "KeyError" };

    [Fact]
    public void A_rule_not_triggered_by_the_delivery_says_so()
    {
        var verdict = Rule("issue.created", ConditionMatch.All, [Python]).Evaluate(Error);

        Assert.Equal((false, "not triggered by error.created"), (verdict.Matched, verdict.Why));
    }

    [Fact]
    public void All_stops_at_the_first_condition_that_fails_and_names_it()
    {
        var verdict = Rule("error.created", ConditionMatch.All, [Python, KeyError]).Evaluate(Error);

        Assert.False(verdict.Matched);
        Assert.Equal("the event's exception.type is \"ZeroDivisionError\": equals \"KeyError\" does not hold", verdict.Why);
    }

    [Fact]
    public void Any_matches_on_one_condition_and_none_matches_when_no_condition_holds()
    {
        Assert.True(Rule("error.created", ConditionMatch.Any, [KeyError, Python]).Evaluate(Error).Matched);
        Assert.False(Rule("error.created", ConditionMatch.None, [KeyError, Python]).Evaluate(Error).Matched);
        Assert.True(Rule("error.created", ConditionMatch.None, [KeyError]).Evaluate(Error).Matched);
        Assert.StartsWith("none of the conditions holds", Rule("error.created", ConditionMatch.Any, [KeyError]).Evaluate(Error).Why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_for_some_projects_ignores_the_others()
    {
        Assert.True(Rule("error.created", ConditionMatch.All, [], projects: "front-end, back-end").Evaluate(Error).Matched);
        var verdict = Rule("error.created", ConditionMatch.All, [], projects: "back-end").Evaluate(Error);
        Assert.Equal((false, "project front-end is not one of the rule's"), (verdict.Matched, verdict.Why));
    }

    private static CompiledRule Rule(string triggers, ConditionMatch match, RuleCondition[] conditions, string? projects = null) =>
        CompiledRule.From(new AutomationRule
        {
            Id = 7,
            OrganizationId = 1,
            Name = "Route Python errors",
            Triggers = triggers,
            Match = match,
            Projects = projects,
            Conditions = RuleJson.Write(conditions),
            Actions = "[]",
            CreatedBy = "test",
            CreatedAt = DateTimeOffset.UnixEpoch,
        });
}
