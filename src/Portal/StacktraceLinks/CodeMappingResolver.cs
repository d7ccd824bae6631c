using Portal.Data.Entities;

namespace Portal.StacktraceLinks;

/// <summary>Turns a frame into a repository path with the most specific mapping of the organization.</summary>
internal static class CodeMappingResolver
{
    // Prefixes SDKs put before a path that are not part of it, tried after the mapping's own stack root.
    private static readonly string[] NoisePrefixes = ["webpack:///", "webpack://", "app:///", "app://", "~/", "./", "/"];

    /// <summary>
    /// The mapping for <paramref name="frame"/>: one for <paramref name="projectSlug"/> beats one for the whole
    /// organization; then the longest stack root the file name starts with. Null when none applies.
    /// </summary>
    public static (CodeMapping Mapping, string Path)? Resolve(IEnumerable<CodeMapping> mappings, StackFrame frame, string? projectSlug)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(frame);
        var file = frame.Normalized;
        var best = mappings
            .Where(m => m.ProjectSlug is null || string.Equals(m.ProjectSlug, projectSlug, StringComparison.Ordinal))
            .Where(m => file.StartsWith(m.StackRoot.Replace('\\', '/'), StringComparison.Ordinal))
            .OrderByDescending(m => m.ProjectSlug is not null)
            .ThenByDescending(m => m.StackRoot.Length)
            .FirstOrDefault();
        if (best is null)
        {
            return null;
        }

        var rest = file[best.StackRoot.Replace('\\', '/').Length..];
        // Repeatedly: webpack:///./src/… carries two.
        while (NoisePrefixes.FirstOrDefault(noise => rest.StartsWith(noise, StringComparison.Ordinal)) is { } noise)
        {
            rest = rest[noise.Length..];
        }

        var sourceRoot = best.SourceRoot.Replace('\\', '/').Trim('/');
        return (best, sourceRoot.Length == 0 ? rest.TrimStart('/') : $"{sourceRoot}/{rest.TrimStart('/')}");
    }
}
