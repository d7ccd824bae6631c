using System.Globalization;
using System.Text.Json;

namespace Portal.Bench;

/// <summary>
/// An organization's rules of realistic shapes for the bench's deliveries (<see cref="Portal.Simulator.LoadPayloadGenerator"/>:
/// error.created and issue.* of four projects, five exception kinds): triggers error.created, issue.created and
/// event_alert.triggered; conditions on level ≥ error, environment, tags, exception type, stack-trace file names, a
/// regular expression on the message, projects; all / any / none. Five rules can match (each a few percent of the
/// load); every other rule fails on a condition that names its own number, so no two are alike and none matches.
/// All are "dry run only": a match records a run and calls nothing remote (a bench run has no Sentry).
/// </summary>
internal static class AutomationRuleSet
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The rules that can match, by position: spread through the list, so a match does not cut evaluation short.</summary>
    public static readonly IReadOnlyList<RuleSpec> Matching =
    [
        new("Checkout division errors in production", ["error.created"], "all", null,
            Conditions(Level("gte", "error"), Attribute("environment", "eq", "production"), Attribute("exception.type", "co", "zerodivision")),
            Actions(new { kind = "comment", text = "Seen in {environment}: {event.title}" })),
        new("New front-end issues", ["issue.created"], "all", "front-end",
            Conditions(Level("gte", "error")),
            Actions(new { kind = "assign", assignee = "team:7" }, new { kind = "priority", value = "high" })),
        new("Billing frames or key errors", ["error.created", "event_alert.triggered"], "any", null,
            Conditions(Attribute("stacktrace.filename", "sw", "billing/invoices/total"), Attribute("exception.type", "eq", "KeyError")),
            Actions(new { kind = "ticket", title = "{event.title}", value = "medium" })),
        new("Timeouts then retries", ["issue.created", "error.created"], "all", null,
            Conditions(Attribute("message", "re", @"\btimeout\b.*\bretry\b"), Level("gte", "warning")),
            Actions(new { kind = "comment", text = "Timeout in {project}" })),
        new("Null references outside staging", ["error.created"], "none", null,
            Conditions(Attribute("environment", "eq", "staging"), Attribute("exception.type", "co", "error")),
            Actions(new { kind = "status", value = "unresolved" })),
    ];

    /// <summary>
    /// <paramref name="count"/> rules in order: the <see cref="Matching"/> ones (as many as fit, at positions 10, 30,
    /// 50 …) among non-matching ones. A count below 5 takes the first matching rules only.
    /// </summary>
    public static IReadOnlyList<RuleSpec> Build(int count)
    {
        var rules = new List<RuleSpec>(count);
        var matching = 0;
        for (var i = 0; i < count; i++)
        {
            var matchingHere = count < 10 ? matching < Math.Min(count, Matching.Count) : i % 20 == 10 && matching < Matching.Count;
            rules.Add(matchingHere ? Matching[matching++] : NonMatching(i));
        }

        return rules;
    }

    /// <summary>The rule a dry run tries: both load triggers, so every stored delivery is considered.</summary>
    public static RuleSpec DryRunRule => new("Production errors and new issues", ["error.created", "issue.created"], "all", null,
        Conditions(Level("gte", "error"), Attribute("environment", "eq", "production"), Attribute("message", "re", @"\b(timeout|refused)\b")),
        Actions(new { kind = "comment", text = "Seen: {event.title}" }, new { kind = "priority", value = "high" }));

    // Six shapes in turn; the condition that fails carries i, so none of them is a copy of another.
    private static RuleSpec NonMatching(int i)
    {
        var n = i.ToString(CultureInfo.InvariantCulture);
        return (i % 6) switch
        {
            0 => new($"Team {n} production errors", ["error.created"], "all", null,
                Conditions(Level("gte", "error"), Attribute("environment", "eq", "production"), Tag("team", "eq", $"team-{n}")),
                Actions(new { kind = "assign", assignee = $"team:{n}" })),
            1 => new($"Checkout {n} issues", ["issue.created"], "all", "front-end,backend",
                Conditions(Level("gte", "error"), Attribute("message", "co", $"checkout-{n}")),
                Actions(new { kind = "comment", text = $"Checkout {n}: {{issue.shortId}}" })),
            2 => new($"Payments {n}", ["event_alert.triggered", "error.created"], "any", null,
                Conditions(Attribute("exception.type", "eq", $"CustomError{n}"), Attribute("stacktrace.filename", "sw", $"vendor/lib{n}/"),
                    Attribute("message", "re", $@"payment (declined|failed) #{n}\b")),
                Actions(new { kind = "priority", value = "high" })),
            3 => new($"Not dev {n}", ["error.created"], "none", null,
                Conditions(Attribute("environment", "eq", $"dev-{n}"), Attribute("stacktrace.filename", "co", $"generated{n}"), Tag("server_name", "is", null)),
                Actions(new { kind = "status", value = "ignored" })),
            4 => new($"Beta channel {n}", ["error.created"], "all", "billing,backend,front-end",
                Conditions(Attribute("exception.type", "co", "error"), Attribute("stacktrace.filename", "sw", "checkout/"), Tag("release-channel", "eq", $"beta-{n}")),
                Actions(new { kind = "ticket", title = $"Beta {n}: {{event.title}}" })),
            _ => new($"Deadlocks on shard {n}", ["error.created", "event_alert.triggered"], "all", null,
                Conditions(Attribute("message", "re", $@"deadlock.*shard-{n}\b"), Level("gte", "error")),
                Actions(new { kind = "comment", text = $"Shard {n}: {{event.title}}" }, new { kind = "stop" })),
        };
    }

    private static object Level(string op, string value) => new { kind = "level", @operator = op, value };

    private static object Attribute(string field, string op, string? value) => new { kind = "attribute", field, @operator = op, value };

    private static object Tag(string key, string op, string? value) => new { kind = "tag", field = key, @operator = op, value };

    private static string Conditions(params object[] conditions) => JsonSerializer.Serialize(conditions, Json);

    private static string Actions(params object[] actions) => JsonSerializer.Serialize(actions, Json);
}
