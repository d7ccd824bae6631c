using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Automations;

/// <summary>
/// An organization's CODEOWNERS, in GitHub's syntax (gitignore-style patterns, owners after them, <c>#</c> comments):
/// the <b>last</b> line whose pattern matches a path names its owners. Patterns follow the rules GitHub documents and
/// Sentry's matcher applies (getsentry/relay <c>relay-cabi/src/codeowners.rs</c>): a pattern with a <c>/</c> at its
/// start or inside is anchored at the repository root, otherwise it matches at any depth; a trailing <c>/</c> means
/// everything below the directory; <c>*</c> stays within a path segment, <c>**</c> crosses them. Paths are
/// case-sensitive. Lines GitHub does not support (<c>!</c> negation, <c>[ ]</c> ranges, escaped <c>\#</c>) are skipped
/// and reported.
/// </summary>
internal sealed class CodeOwners
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private readonly List<Line> lines;

    private CodeOwners(List<Line> lines, List<string> skipped)
    {
        this.lines = lines;
        Skipped = skipped;
    }

    /// <summary>Lines that were not understood, with why, for the editor.</summary>
    public IReadOnlyList<string> Skipped { get; }

    public int Count => lines.Count;

    public static CodeOwners Parse(string? text)
    {
        var lines = new List<Line>();
        var skipped = new List<string>();
        var number = 0;
        foreach (var raw in (text ?? "").Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var owners = tokens.Skip(1).TakeWhile(t => !t.StartsWith('#')).ToList();
            var pattern = tokens[0];
            if (pattern.StartsWith('!') || pattern.Contains('[', StringComparison.Ordinal) || pattern.Contains("\\#", StringComparison.Ordinal))
            {
                skipped.Add($"line {number}: \"{pattern}\" uses a pattern CODEOWNERS does not support (!, [ ], \\#)");
                continue;
            }

            // A line without owners takes ownership away (GitHub), so it is kept: it can win and name nobody.
            lines.Add(new Line(number, pattern, owners, Compile(pattern)));
        }

        return new CodeOwners(lines, skipped);
    }

    /// <summary>The last line matching <paramref name="path"/> (a repository path, no leading slash), or null.</summary>
    public OwnerMatch? Match(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        path = path.Replace('\\', '/').TrimStart('/');
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            try
            {
                if (lines[i].Regex.IsMatch(path))
                {
                    return new OwnerMatch(lines[i].Number, lines[i].Pattern, lines[i].Owners);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological pattern on a long path counts as no match rather than a stuck processor.
            }
        }

        return null;
    }

    /// <summary>
    /// An owner as Sentry's <c>assignedTo</c> takes it, or null with why not. Sentry resolves <c>user:&lt;id&gt;</c> and
    /// <c>team:&lt;id&gt;</c> by numeric id, anything else as a username or a user's email (getsentry/sentry
    /// <c>src/sentry/api/fields/actor.py</c>, <c>Actor.from_actor_identifier</c>). A GitHub <c>@handle</c> is not a
    /// Sentry username: Sentry maps handles to users only through its GitHub integration's external-actor mappings,
    /// which the portal does not have, so passing one on would assign a stranger or fail. <c>@org/team</c> is passed
    /// over for the same reason: its slug is GitHub's, and Sentry's field takes a team's id, not a slug.
    /// </summary>
    public static (string? Assignee, string? WhyNot) AsAssignee(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (owner.StartsWith("user:", StringComparison.Ordinal) || owner.StartsWith("team:", StringComparison.Ordinal))
        {
            return owner.Length > 5 && owner.AsSpan(5).IndexOfAnyExceptInRange('0', '9') < 0
                ? (owner, null)
                : (null, $"{owner}: Sentry's user: and team: take a numeric id");
        }

        if (owner.StartsWith('@'))
        {
            return (null, owner.Contains('/', StringComparison.Ordinal)
                ? $"{owner} is a GitHub team; Sentry needs team:<id>"
                : $"{owner} is a GitHub handle; Sentry needs an email, user:<id> or team:<id>");
        }

        var at = owner.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < owner.Length - 1
            ? (owner, null)
            : (null, $"{owner} is not an email, user:<id> or team:<id>");
    }

    private static Regex Compile(string pattern)
    {
        var anchored = pattern.StartsWith('/') || pattern.TrimEnd('/').Contains('/', StringComparison.Ordinal);
        var body = pattern.Trim('/');
        var directory = pattern.EndsWith('/');
        var regex = new StringBuilder(anchored ? "^" : "^(?:.*/)?");
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '*' && i + 1 < body.Length && body[i + 1] == '*')
            {
                // "**/" is any number of directories (none included); "**" elsewhere is anything.
                if (i + 2 < body.Length && body[i + 2] == '/')
                {
                    regex.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    regex.Append(".*");
                    i++;
                }
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        // A directory pattern covers what is below it; "dir/*" only the directory's own entries (GitHub: "not further
        // nested files"); any other names a file or a directory of that name, and so everything below it.
        regex.Append(directory ? "/.*$" : body.EndsWith("/*", StringComparison.Ordinal) ? "$" : "(?:/.*)?$");
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant, MatchTimeout);
    }

    private sealed record Line(int Number, string Pattern, IReadOnlyList<string> Owners, Regex Regex);
}

/// <summary>The CODEOWNERS line that decided a path: its number, pattern and owners (none: ownership taken away).</summary>
internal sealed record OwnerMatch(int Line, string Pattern, IReadOnlyList<string> Owners);
