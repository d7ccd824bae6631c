using System.Text;
using System.Text.Json;

namespace Portal.Webhooks;

/// <summary>
/// A one-line description of a delivery for lists and the live stream: the issue, error, comment, alert, Seer step or
/// mobile build it is about. Built only from fields that hold no secrets (never a grant code, install URL or diff),
/// with control characters removed and length capped; a missing or oddly typed field shortens the line, never throws.
/// </summary>
internal static class DeliverySummarizer
{
    public const int MaxLength = 200;

    public static string? Describe(WebhookEvent webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);

        // A service hook's body is the payload itself; Sentry App deliveries wrap theirs in "data".
        var data = webhook.Resource == WebhookCatalog.ServiceHook ? webhook.Root : webhook.Data;
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var text = webhook.Resource switch
        {
            WebhookCatalog.Issue => Join(Path(data, "issue", "shortId"), Path(data, "issue", "title")),
            WebhookCatalog.Error => Join(Path(data, "error", "title"), Path(data, "error", "culprit")),
            WebhookCatalog.Comment => Path(data, "comment"),
            WebhookCatalog.EventAlert => Join(Path(data, "triggered_rule"), Path(data, "event", "title")),
            WebhookCatalog.ActivityAlert => DescribeActivityAlert(data),
            WebhookCatalog.MetricAlert => Path(data, "description_title") ?? Path(data, "metric_alert", "title"),
            WebhookCatalog.Installation => Join(Path(data, "installation", "organization", "slug"), Path(data, "installation", "app", "slug")),
            WebhookCatalog.Seer => DescribeSeer(webhook.Action, data),
            WebhookCatalog.PreprodArtifact or WebhookCatalog.SizeAnalysis => DescribeBuild(webhook.Resource, webhook.Action, data),
            WebhookCatalog.ServiceHook => Join(Path(data, "project", "slug"), Path(data, "event", "title") ?? Path(data, "group", "title")),
            _ => null,
        };
        return Clean(text);
    }

    // The workflow's name is alert.title since the workflow engine builds the payload, alert.name before
    // (notification_action/activity_registry/sentry_app.py in getsentry/sentry).
    private static string? DescribeActivityAlert(JsonElement data) =>
        Join(
            Path(data, "alert", "title") ?? Path(data, "alert", "name"),
            Path(data, "activity", "type"),
            Words(Path(data, "issue", "shortId"), Path(data, "issue", "title")));

    // Seer sends its step's own dict as data, snake_case (seer/autofix/on_completion_hook.py); the action is the step.
    private static string? DescribeSeer(string? action, JsonElement data) =>
        Join(
            Sentence(action),
            Path(data, "iteration_index") is { } iteration ? $"iteration {iteration}" : null,
            Path(data, "group_id") is { } group ? $"issue {group}" : null,
            PullRequests(data)
                ?? Path(data, "root_cause", "one_line_description") ?? Path(data, "root_cause", "description")
                ?? Path(data, "solution", "one_line_summary") ?? Path(data, "solution", "description")
                ?? CodeChanges(data));

    // preprod_artifact.* is camelCase with appInfo and state (COMPLETED or FAILED, with errorCode); the legacy
    // size_analysis.completed carried app and status ("success" or "error") instead.
    private static string? DescribeBuild(string resource, string? action, JsonElement data)
    {
        var app = Find(data, "appInfo") ?? Find(data, "app");
        var title = Words(
            Path(app, "name") ?? Path(app, "appId"),
            Path(app, "version"),
            Path(data, "platform") is { } platform ? $"({platform})" : null);
        var step = (resource, action) switch
        {
            (_, "size_analysis_completed") or (WebhookCatalog.SizeAnalysis, _) => "size analysis",
            (_, "build_distribution_completed") => "build distribution",
            _ => null,
        };
        var state = Path(data, "state") ?? Path(data, "status");
        var error = Path(data, "errorCode") ?? Path(data, "errorMessage");
        var outcome = state is not null && error is not null ? $"{state}: {error}" : state ?? error;
        return Join(title ?? (Path(data, "buildId") is { } build ? $"build {build}" : null), Words(step, outcome));
    }

    // "PR #123 my-app" for each {repo_name, pull_request: {pr_number, pr_url}}; the URL when the number is missing.
    private static string? PullRequests(JsonElement data)
    {
        if (Find(data, "pull_requests") is not { ValueKind: JsonValueKind.Array } pullRequests)
        {
            return null;
        }

        var described = pullRequests.EnumerateArray()
            .Select(pr => Path(pr, "pull_request", "pr_number") is { } number
                ? Words($"PR #{number}", Path(pr, "repo_name"))
                : Path(pr, "pull_request", "pr_url") ?? Path(pr, "url") ?? Path(pr, "repo_name"))
            .OfType<string>()
            .ToList();
        return described.Count == 0 ? null : string.Join(", ", described);
    }

    // code_changes maps "owner/repo" to its patches; the docs' older example sends changes: [{title, ...}]. Diffs are
    // never quoted.
    private static string? CodeChanges(JsonElement data)
    {
        if (Find(data, "code_changes") is { ValueKind: JsonValueKind.Object } byRepository)
        {
            var repositories = byRepository.EnumerateObject().ToList();
            var files = repositories.Sum(r => r.Value.ValueKind == JsonValueKind.Array ? r.Value.GetArrayLength() : 0);
            return repositories.Count switch
            {
                0 => null,
                1 => $"{files} {(files == 1 ? "file" : "files")} changed in {repositories[0].Name}",
                _ => $"{files} {(files == 1 ? "file" : "files")} changed in {repositories.Count} repositories",
            };
        }

        return Find(data, "changes") is { ValueKind: JsonValueKind.Array } changes && changes.GetArrayLength() > 0
            ? Path(changes[0], "title")
            : null;
    }

    // "root_cause_completed" -> "Root cause completed", "pr_created" -> "PR created".
    private static string? Sentence(string? action)
    {
        if (string.IsNullOrWhiteSpace(action))
        {
            return null;
        }

        var words = action.Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(word => word == "pr" ? "PR" : word)
            .ToArray();
        if (words.Length == 0)
        {
            return null;
        }

        words[0] = string.Concat(words[0][..1].ToUpperInvariant(), words[0][1..]);
        return string.Join(' ', words);
    }

    private static JsonElement? Find(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element;
    }

    private static string? Path(JsonElement? element, params string[] names) =>
        element is { } start && Find(start, names) is { } found
            ? found.ValueKind switch
            {
                JsonValueKind.String => found.GetString(),
                JsonValueKind.Number => found.GetRawText(),
                _ => null,
            }
            : null;

    private static string? Join(params string?[] parts) => Concatenate(" · ", parts);

    private static string? Words(params string?[] parts) => Concatenate(" ", parts);

    private static string? Concatenate(string separator, string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(separator, present);
    }

    private static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength));
        foreach (var c in text)
        {
            if (builder.Length == MaxLength - 1)
            {
                if (char.IsHighSurrogate(builder[^1]))
                {
                    builder.Length--;
                }

                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}
