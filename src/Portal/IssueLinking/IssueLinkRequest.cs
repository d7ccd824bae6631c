using System.Globalization;
using System.Text.Json;
using Portal.SentryPlatform;

namespace Portal.IssueLinking;

/// <summary>
/// The body of an issue-link create or link request, read as Sentry really sends it (sentry-contract.md §3.3):
/// <c>issueId</c>, <c>project.id</c> and <c>actor.id</c> are JSON integers (the docs say strings; both are taken).
/// </summary>
internal sealed record IssueLinkRequest(
    IReadOnlyDictionary<string, string> Fields,
    long IssueId,
    Guid InstallationId,
    string? WebUrl,
    string? ProjectSlug,
    string? ActorId,
    string ActorName)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Null when the body is not an issue-link request.</summary>
    public static IssueLinkRequest? Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryInteger(root, "issueId", out var issueId)
                || !Guid.TryParse(root.StringOf("installationId"), out var installationId))
            {
                return null;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("fields", out var given) && given.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in given.EnumerateObject())
                {
                    if (Scalar(field.Value) is { } value)
                    {
                        fields[field.Name] = value;
                    }
                }
            }

            var project = root.TryGetProperty("project", out var p) ? p : default;
            var actor = root.TryGetProperty("actor", out var a) ? a : default;
            return new IssueLinkRequest(
                fields, issueId, installationId, root.StringOf("webUrl"), project.StringOf("slug"),
                actor.ValueKind == JsonValueKind.Object && actor.TryGetProperty("id", out var id) ? Scalar(id) : null,
                actor.StringOf("name") ?? "a Sentry user");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryInteger(JsonElement element, string property, out long value)
    {
        value = 0;
        return element.TryGetProperty(property, out var found) && found.ValueKind switch
        {
            JsonValueKind.Number => found.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(found.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        } && value > 0;
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
