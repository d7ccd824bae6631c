using System.Text.Json.Nodes;
using Json.Schema;
using Portal.IssueLinking;

namespace Portal.Tests.IssueLinking;

/// <summary>
/// The schema served at /sentry/schema.json passes the validation Sentry applies when it is pasted into the
/// developer settings: Sentry's draft-7 schema (transcribed in TestSupport/SentrySchemas) and its extra rule of
/// at most one element per type.
/// </summary>
public sealed class UiComponentSchemaTests
{
    private static readonly JsonSchema Sentry = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "TestSupport", "SentrySchemas", "ui-component-schema.json"));

    [Fact]
    public void The_portals_schema_is_valid_under_Sentrys_rules()
    {
        var schema = UiComponentSchema.Build();

        var result = Validate(schema);

        Assert.True(result.IsValid, Describe(result));
        var types = schema["elements"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["issue-link", "stacktrace-link", "alert-rule-action"], types);
        Assert.Equal(types.Distinct().Count(), types.Count);
    }

    [Fact]
    public void The_issue_link_element_names_the_routes_the_portal_serves()
    {
        var issueLink = UiComponentSchema.Build()["elements"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "issue-link")!;

        Assert.Equal("/sentry/issue-link/create", issueLink["create"]!["uri"]!.GetValue<string>());
        Assert.Equal("/sentry/issue-link/link", issueLink["link"]!["uri"]!.GetValue<string>());
        var create = issueLink["create"]!["required_fields"]!.AsArray().Concat(issueLink["create"]!["optional_fields"]!.AsArray()).ToList();
        Assert.Equal(["title", "description", "priority", "assignee"], create.Select(f => f!["name"]!.GetValue<string>()));
        Assert.Equal("issue.title", create[0]!["default"]!.GetValue<string>());
        Assert.Equal("issue.description", create[1]!["default"]!.GetValue<string>());
        Assert.Equal("/sentry/options/assignees", create[3]!["uri"]!.GetValue<string>());
        Assert.Equal("/sentry/options/tickets", issueLink["link"]!["required_fields"]![0]!["uri"]!.GetValue<string>());
    }

    [Fact]
    public void The_stacktrace_link_and_alert_rule_action_elements_name_the_routes_the_portal_serves()
    {
        var elements = UiComponentSchema.Build()["elements"]!.AsArray().ToDictionary(e => e!["type"]!.GetValue<string>(), e => e!);

        Assert.Equal("/sentry/stacktrace-link", elements["stacktrace-link"]["uri"]!.GetValue<string>());
        var settings = elements["alert-rule-action"]["settings"]!;
        Assert.Equal("/sentry/alert-rule-action", settings["uri"]!.GetValue<string>());
        Assert.Equal("title", settings["required_fields"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("/sentry/options/assignees", settings["optional_fields"]![1]!["uri"]!.GetValue<string>());
    }

    // The validator can say no: the same schema with one mistake Sentry refuses.
    [Theory]
    [InlineData("""{"elements":[{"type":"issue-link","create":{"uri":"/x","required_fields":[{"type":"text","label":"T","name":"t","default":"issue.culprit"}]},"link":{"uri":"/y","required_fields":[{"type":"text","label":"T","name":"t"}]}}]}""")]
    [InlineData("""{"elements":[{"type":"issue-link","create":{"uri":"https://evil.example/x","required_fields":[{"type":"text","label":"T","name":"t"}]},"link":{"uri":"/y","required_fields":[{"type":"text","label":"T","name":"t"}]}}]}""")]
    [InlineData("""{"elements":[{"type":"issue-link","create":{"uri":"/x","required_fields":[{"type":"text","label":"T","name":"t"}]}}]}""")]
    [InlineData("""{"elements":[{"type":"issue-link","create":{"uri":"/x","required_fields":[{"type":"select","label":"S","name":"s","uri":"/o","options":[["a","A"]]}]},"link":{"uri":"/y","required_fields":[{"type":"text","label":"T","name":"t"}]}}]}""")]
    [InlineData("""{"elements":[]}""")]
    public void Schemas_Sentry_refuses_are_refused(string schema)
    {
        Assert.False(Validate(JsonNode.Parse(schema)!).IsValid);
    }

    private static EvaluationResults Validate(JsonNode schema) =>
        Sentry.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(schema), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults result) =>
        string.Join(Environment.NewLine, (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
}
