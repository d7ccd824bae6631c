using Portal.Webhooks;

namespace Portal.Automations;

/// <summary>
/// The words rules are written in, for the editor's pickers and for checking a rule before it is saved: the
/// triggers (every resource.action of <see cref="WebhookCatalog"/>), the event attributes and the match operators
/// of Sentry's issue-alert filters (getsentry/sentry <c>src/sentry/rules/match.py</c>), plus regular expressions.
/// </summary>
internal static class RuleVocabulary
{
    /// <summary>Attributes with what the editor shows for each.</summary>
    public static readonly IReadOnlyList<(string Name, string Label)> Attributes =
    [
        ("message", "message (message, metadata and culprit)"),
        ("title", "title"),
        ("type", "type (error, default …)"),
        ("exception.type", "exception type"),
        ("exception.value", "exception value"),
        ("error.handled", "error handled (true / false)"),
        ("platform", "platform"),
        ("environment", "environment"),
        ("level", "level (as text)"),
        ("culprit", "culprit"),
        ("project", "project (slug)"),
        ("release", "release"),
        ("stacktrace.filename", "stack trace file name"),
        ("stacktrace.module", "stack trace module"),
        ("stacktrace.abs_path", "stack trace absolute path"),
        ("stacktrace.package", "stack trace package"),
        ("user.id", "user id"),
        ("user.email", "user email"),
        ("user.username", "user name"),
        ("user.ip_address", "user IP address"),
        ("http.url", "HTTP URL"),
        ("http.method", "HTTP method"),
        ("sdk.name", "SDK name"),
    ];

    /// <summary>Sentry's log levels by their numbers (<c>src/sentry/constants.py</c> LOG_LEVELS).</summary>
    public static readonly IReadOnlyDictionary<string, int> Levels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["debug"] = 10,
        ["info"] = 20,
        ["warning"] = 30,
        ["error"] = 40,
        ["fatal"] = 50,
    };

    /// <summary>Every trigger a rule can name, <c>resource.action</c>, sorted.</summary>
    public static IEnumerable<string> Triggers =>
        WebhookCatalog.Resources
            .Where(resource => resource is not WebhookCatalog.Installation and not WebhookCatalog.ServiceHook)
            .SelectMany(resource => WebhookCatalog.ActionsOf(resource).Select(action => $"{resource}.{action}"))
            .Order(StringComparer.Ordinal);

    public static bool IsAttribute(string name) => Attributes.Any(a => a.Name == name);

    public static bool IsTrigger(string trigger) =>
        trigger.Split('.', 2) is [var resource, var action] && resource is not WebhookCatalog.Installation && WebhookCatalog.IsKnown(resource, action);
}
