using System.Text;
using System.Text.Json;

namespace Portal.Webhooks;

/// <summary>
/// A one-line description of a delivery for lists and the live stream: the issue, error, comment or alert it is
/// about. Built only from fields that hold no secrets, with control characters removed and length capped.
/// </summary>
internal static class DeliverySummarizer
{
    public const int MaxLength = 200;

    public static string? Describe(WebhookEvent webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var data = webhook.Data;
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
            WebhookCatalog.MetricAlert => Path(data, "description_title") ?? Path(data, "metric_alert", "title"),
            WebhookCatalog.Installation => Join(Path(data, "installation", "organization", "slug"), Path(data, "installation", "app", "slug")),
            _ => null,
        };
        return Clean(text);
    }

    private static string? Path(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
    }

    private static string? Join(string? first, string? second) =>
        (first, second) switch
        {
            (null, null) => null,
            (null, _) => second,
            (_, null) => first,
            _ => $"{first} · {second}",
        };

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
