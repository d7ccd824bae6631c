using System.Text.Json.Nodes;
using Portal.Data.Entities;

namespace Portal.IssueLinking;

/// <summary>
/// The UI-component schema pasted into Sentry's developer settings (sentry-contract.md §3.1), built from the
/// same constants the endpoints are mapped with, so the two cannot drift apart.
/// </summary>
internal static class UiComponentSchema
{
    public const string CreateUri = "/sentry/issue-link/create";
    public const string LinkUri = "/sentry/issue-link/link";
    public const string TicketOptionsUri = "/sentry/options/tickets";
    public const string AssigneeOptionsUri = "/sentry/options/assignees";

    /// <summary>Names of the modal's fields: the keys of <c>fields</c> in create and link requests.</summary>
    public static class Fields
    {
        public const string Title = "title";
        public const string Description = "description";
        public const string Priority = "priority";
        public const string Assignee = "assignee";
        public const string Ticket = "ticket";
    }

    public static JsonObject Build() => new()
    {
        ["elements"] = new JsonArray(IssueLink(), StacktraceLink(), AlertRuleAction()),
    };

    private static JsonObject IssueLink() => new()
    {
        ["type"] = "issue-link",
        ["create"] = new JsonObject
        {
            ["uri"] = CreateUri,
            ["required_fields"] = new JsonArray(
                Text("text", "Title", Fields.Title, "issue.title")),
            ["optional_fields"] = new JsonArray(
                Text("textarea", "Description", Fields.Description, "issue.description"),
                PrioritySelect(),
                AsyncSelect("Assignee", Fields.Assignee, AssigneeOptionsUri)),
        },
        ["link"] = new JsonObject
        {
            ["uri"] = LinkUri,
            ["required_fields"] = new JsonArray(AsyncSelect("Ticket", Fields.Ticket, TicketOptionsUri)),
        },
    };

    // "Create Portal ticket" in alert rules; Sentry validates the saved settings at the uri (sentry-contract.md §3.5).
    private static JsonObject AlertRuleAction() => new()
    {
        ["type"] = "alert-rule-action",
        ["title"] = "Create Portal ticket",
        ["settings"] = new JsonObject
        {
            ["type"] = "alert-rule-settings",
            ["uri"] = AlertRuleActions.AlertRuleActionEndpoints.Uri,
            ["description"] = "Opens a ticket when the alert fires, updates it when it fires again.",
            ["required_fields"] = new JsonArray(new JsonObject { ["type"] = "text", ["label"] = "Title", ["name"] = Fields.Title }),
            ["optional_fields"] = new JsonArray(PrioritySelect(), AsyncSelect("Assignee", Fields.Assignee, AssigneeOptionsUri)),
        },
    };

    // Sentry appends filename, lineNo, installationId and projectSlug to this uri (sentry-contract.md §3.6).
    private static JsonObject StacktraceLink() => new()
    {
        ["type"] = "stacktrace-link",
        ["uri"] = StacktraceLinks.StacktraceLinkEndpoints.Uri,
    };

    private static JsonObject PrioritySelect() => new()
    {
        ["type"] = "select",
        ["label"] = "Priority",
        ["name"] = Fields.Priority,
        ["options"] = new JsonArray([.. TicketPriorities.Descending.Select(p => (JsonNode)new JsonArray(TicketPriorities.ValueOf(p), TicketPriorities.LabelOf(p)))]),
    };

    private static JsonObject Text(string type, string label, string name, string prefill) => new()
    {
        ["type"] = type,
        ["label"] = label,
        ["name"] = name,
        ["default"] = prefill,
    };

    private static JsonObject AsyncSelect(string label, string name, string uri) => new()
    {
        ["type"] = "select",
        ["label"] = label,
        ["name"] = name,
        ["uri"] = uri,
        ["async"] = true,
    };
}

/// <summary>The words priorities travel as: the select's values and labels, and Sentry's own priority names.</summary>
internal static class TicketPriorities
{
    public static IReadOnlyList<TicketPriority> Descending { get; } = [TicketPriority.High, TicketPriority.Medium, TicketPriority.Low];

    public static string ValueOf(TicketPriority priority) => priority.ToString().ToLowerInvariant();

    public static string LabelOf(TicketPriority priority) => priority.ToString();

    public static bool TryParse(string? value, out TicketPriority priority)
    {
        foreach (var candidate in Descending)
        {
            if (string.Equals(ValueOf(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                priority = candidate;
                return true;
            }
        }

        priority = TicketPriority.Medium;
        return false;
    }
}
