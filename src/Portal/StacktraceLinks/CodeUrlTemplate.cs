using System.Globalization;

namespace Portal.StacktraceLinks;

/// <summary>
/// An admin's URL template (<c>https://github.com/acme/web/blob/main/{path}#L{line}</c>) and the only way a
/// stack frame becomes a URL: the frame's path fills <c>{path}</c> percent-encoded segment by segment, its line
/// fills <c>{line}</c> as digits. The origin is fixed by the template, so the redirect cannot leave it
/// (reliability.md U5).
/// </summary>
internal static class CodeUrlTemplate
{
    public const string Path = "{path}";
    public const string Line = "{line}";

    /// <summary>Why the template cannot be used, or null when it can; <paramref name="allowedHosts"/> is the operator's list.</summary>
    public static string? Problem(string? template, IReadOnlyCollection<string> allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        if (string.IsNullOrWhiteSpace(template))
        {
            return "Give a URL template.";
        }

        if (template.Length > Portal.Data.Limits.UrlTemplate)
        {
            return $"The template is too long (at most {Portal.Data.Limits.UrlTemplate} characters).";
        }

        if (!template.StartsWith("https://", StringComparison.Ordinal))
        {
            return "The template must start with https://.";
        }

        if (Count(template, Path) != 1 || Count(template, Line) > 1)
        {
            return "The template needs {path} exactly once and {line} at most once.";
        }

        var withoutPlaceholders = template.Replace(Path, "", StringComparison.Ordinal).Replace(Line, "", StringComparison.Ordinal);
        if (withoutPlaceholders.AsSpan().IndexOfAny("{}") >= 0 || withoutPlaceholders.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "The template may contain no braces other than {path} and {line}, and no spaces or control characters.";
        }

        // The placeholders must come after the host: the origin is the template's, whatever fills them.
        var authorityEnd = template.IndexOf('/', "https://".Length);
        if (authorityEnd < 0 || template.IndexOf(Path, StringComparison.Ordinal) < authorityEnd
            || (template.Contains(Line, StringComparison.Ordinal) && template.IndexOf(Line, StringComparison.Ordinal) < authorityEnd))
        {
            return "{path} and {line} must come after the host, in the path or the fragment.";
        }

        if (!Uri.TryCreate(Build(template, "a/b.js", 1), UriKind.Absolute, out var sample) || sample.Scheme != Uri.UriSchemeHttps
            || sample.UserInfo.Length > 0 || sample.Host.Length == 0)
        {
            return "The template is not a valid https URL.";
        }

        return allowedHosts.Contains(sample.Host, StringComparer.OrdinalIgnoreCase)
            ? null
            : $"{sample.Host} is not among the code hosts this portal allows (StacktraceLinks:AllowedHosts).";
    }

    /// <summary>The template's origin (<c>https://github.com</c>): every URL it builds starts with it.</summary>
    public static string OriginOf(string template) => new Uri(Build(template, "x", 1)).GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// The URL for <paramref name="path"/> (slash-separated, not yet encoded) and <paramref name="line"/>. Without a
    /// line, a fragment that holds <c>{line}</c> is dropped (<c>#L{line}</c>), elsewhere <c>{line}</c> becomes 1.
    /// </summary>
    public static string Build(string template, string path, int? line)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(path);
        var encoded = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        var url = template;
        if (line is null)
        {
            var fragment = url.IndexOf('#', StringComparison.Ordinal);
            if (fragment >= 0 && url.IndexOf(Line, fragment, StringComparison.Ordinal) >= 0)
            {
                url = url[..fragment];
            }
        }

        return url.Replace(Path, encoded, StringComparison.Ordinal)
            .Replace(Line, (line ?? 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
