using System.Globalization;

namespace Portal.StacktraceLinks;

/// <summary>
/// The frame a stacktrace link names: <c>filename</c> and <c>lineNo</c> from Sentry's query string, checked as
/// design.md §5 says. Real frames look like <c>webpack:///src/app.js</c>, <c>app:///main.js</c>,
/// <c>node_modules/@scope/pkg/index.js</c> or <c>C:\src\app.cs</c>, so <c>@</c>, <c>:</c> and <c>\</c> are
/// allowed (they only ever reach a URL percent-encoded); control characters, <c>..</c> segments, more than 1,024
/// characters and a line outside 1–10,000,000 are not.
/// </summary>
public sealed record StackFrame(string FileName, int? Line)
{
    public const int MaxFileNameLength = 1024;
    public const int MaxLine = 10_000_000;

    /// <summary>The file name with Windows separators turned into slashes, as mappings are matched.</summary>
    public string Normalized => FileName.Replace('\\', '/');

    /// <summary>The frame, or why it is refused.</summary>
    public static (StackFrame? Frame, string? Problem) Parse(string? fileName, string? lineNo)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return (null, "The link names no file.");
        }

        if (fileName.Length > MaxFileNameLength)
        {
            return (null, $"The file name is longer than {MaxFileNameLength} characters.");
        }

        if (fileName.Any(char.IsControl))
        {
            return (null, "The file name contains control characters.");
        }

        // ".." anywhere a segment could be, also once percent-decoded (…/%2e%2e/…) and with either separator.
        var decoded = Uri.UnescapeDataString(fileName);
        if (HasDotDotSegment(fileName) || HasDotDotSegment(decoded) || decoded.Any(char.IsControl))
        {
            return (null, "The file name contains a \"..\" segment or an encoded control character.");
        }

        int? line = null;
        if (!string.IsNullOrEmpty(lineNo))
        {
            if (!int.TryParse(lineNo, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > MaxLine)
            {
                return (null, $"The line number must be a whole number from 1 to {MaxLine:N0}.");
            }

            line = number;
        }

        return (new StackFrame(fileName, line), null);
    }

    private static bool HasDotDotSegment(string path) =>
        path.Replace('\\', '/').Split('/').Any(segment => segment.Trim() == "..");
}
