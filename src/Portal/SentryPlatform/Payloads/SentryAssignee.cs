using System.Text.Json;

namespace Portal.SentryPlatform.Payloads;

/// <summary>A user or team an issue is assigned to (<c>assignedTo</c>, or an <c>issue.assigned</c> webhook's <c>assignee</c>).</summary>
internal sealed record SentryAssignee(string Type, string Id, string Name)
{
    public static SentryAssignee? From(JsonElement assignee)
    {
        if (assignee.ValueKind != JsonValueKind.Object || !assignee.TryGetProperty("id", out var idElement))
        {
            return null;
        }

        var id = idElement.ValueKind switch
        {
            JsonValueKind.String => idElement.GetString(),
            JsonValueKind.Number => idElement.GetRawText(),
            _ => null,
        };
        return id is null ? null : new SentryAssignee(assignee.StringOf("type") ?? "user", id, assignee.StringOf("name") ?? assignee.StringOf("email") ?? id);
    }
}
