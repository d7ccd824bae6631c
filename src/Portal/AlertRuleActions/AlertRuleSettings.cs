using System.Text.Json;
using Portal.Data;
using Portal.Data.Entities;
using Portal.IssueLinking;
using Portal.SentryPlatform;

namespace Portal.AlertRuleActions;

/// <summary>
/// The settings a user saved for the portal's alert action: <c>[{"name","value","label"?}]</c> — in the
/// validation request (<c>fields</c>), in <c>event_alert</c> (<c>issue_alert.settings</c>) and in metric alert
/// triggers' actions (sentry-contract.md §3.5, §2.9.5–2.9.6).
/// </summary>
internal sealed record AlertRuleSettings(string? Title, string? PriorityValue, string? AssigneeId)
{
    public static readonly AlertRuleSettings None = new(null, null, null);

    public TicketPriority? Priority => TicketPriorities.TryParse(PriorityValue, out var priority) ? priority : null;

    public static AlertRuleSettings From(JsonElement settings)
    {
        if (settings.ValueKind != JsonValueKind.Array)
        {
            return None;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in settings.EnumerateArray())
        {
            if (setting.StringOf("name") is { } name && setting.TryGetProperty("value", out var value))
            {
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                };
                if (!string.IsNullOrWhiteSpace(text))
                {
                    values[name] = text.Trim();
                }
            }
        }

        return new AlertRuleSettings(
            values.GetValueOrDefault(UiComponentSchema.Fields.Title), values.GetValueOrDefault(UiComponentSchema.Fields.Priority),
            values.GetValueOrDefault(UiComponentSchema.Fields.Assignee));
    }

    /// <summary>Why Sentry should not save these settings, or null (the catalogue Sentry shows its user).</summary>
    public string? Problem() => Title switch
    {
        null => AlertRuleMessages.TitleMissing,
        { Length: > Limits.TicketTitle } => IssueLinkMessages.TitleTooLong,
        _ when PriorityValue is not null && Priority is null => IssueLinkMessages.UnknownPriority,
        _ => null,
    };
}

internal static class AlertRuleMessages
{
    public const string TitleMissing = "Give the tickets this alert opens a title.";
    public const string Saved = "Saved: the portal opens a ticket when this alert fires.";
}
