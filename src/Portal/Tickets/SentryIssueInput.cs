using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Tickets;

/// <summary>What an admin pastes to link an issue: its number, or a Sentry URL that ends in <c>/issues/{id}/</c>.</summary>
internal static partial class SentryIssueInput
{
    public static long? Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return id;
        }

        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && IssuePath().Match(uri.AbsolutePath) is { Success: true } match
            && long.TryParse(match.Groups["id"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0
                ? id
                : null;
    }

    [GeneratedRegex(@"/issues/(?<id>[0-9]{1,18})/?$")]
    private static partial Regex IssuePath();
}
