namespace Portal.Dashboard;

public enum DiffKind
{
    Same,
    Removed,
    Added,
}

/// <summary>One line of a diff; <see cref="Skipped"/> &gt; 0 marks a folded run of unchanged lines.</summary>
public sealed record DiffLine(DiffKind Kind, string Text, int Skipped = 0);

/// <summary>
/// A line diff of two pretty-printed payloads: the common head and tail are taken as they are, and the middle is
/// aligned by longest common subsequence. Unchanged runs longer than twice <see cref="Context"/> are folded.
/// </summary>
public static class LineDiff
{
    public const int Context = 3;

    /// <summary>Above this many cells the middle is not aligned but shown as removed-then-added.</summary>
    public const int MaxCells = 4_000_000;

    public static IReadOnlyList<DiffLine> Compare(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var a = before.ReplaceLineEndings("\n").Split('\n');
        var b = after.ReplaceLineEndings("\n").Split('\n');
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)])
        {
            tail++;
        }

        var lines = new List<DiffLine>(a.Length + b.Length);
        lines.AddRange(a[..head].Select(line => new DiffLine(DiffKind.Same, line)));
        lines.AddRange(Middle(a[head..^tail], b[head..^tail]));
        lines.AddRange(a[^tail..].Select(line => new DiffLine(DiffKind.Same, line)));
        return Fold(lines);
    }

    private static IEnumerable<DiffLine> Middle(string[] a, string[] b)
    {
        if ((long)(a.Length + 1) * (b.Length + 1) > MaxCells)
        {
            return a.Select(line => new DiffLine(DiffKind.Removed, line)).Concat(b.Select(line => new DiffLine(DiffKind.Added, line)));
        }

        // lengths[i, j] = LCS of a[i..] and b[j..]
        var lengths = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lengths[i, j] = a[i] == b[j] ? lengths[i + 1, j + 1] + 1 : Math.Max(lengths[i + 1, j], lengths[i, j + 1]);
            }
        }

        var result = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                result.Add(new DiffLine(DiffKind.Same, a[x++]));
                y++;
            }
            else if (lengths[x + 1, y] >= lengths[x, y + 1])
            {
                result.Add(new DiffLine(DiffKind.Removed, a[x++]));
            }
            else
            {
                result.Add(new DiffLine(DiffKind.Added, b[y++]));
            }
        }

        result.AddRange(a[x..].Select(line => new DiffLine(DiffKind.Removed, line)));
        result.AddRange(b[y..].Select(line => new DiffLine(DiffKind.Added, line)));
        return result;
    }

    private static List<DiffLine> Fold(List<DiffLine> lines)
    {
        var folded = new List<DiffLine>(lines.Count);
        var i = 0;
        while (i < lines.Count)
        {
            if (lines[i].Kind != DiffKind.Same)
            {
                folded.Add(lines[i++]);
                continue;
            }

            var end = i;
            while (end < lines.Count && lines[end].Kind == DiffKind.Same)
            {
                end++;
            }

            var keepBefore = i == 0 ? 0 : Context;
            var keepAfter = end == lines.Count ? 0 : Context;
            if (end - i > keepBefore + keepAfter + 1)
            {
                folded.AddRange(lines.GetRange(i, keepBefore));
                folded.Add(new DiffLine(DiffKind.Same, "", end - i - keepBefore - keepAfter));
                folded.AddRange(lines.GetRange(end - keepAfter, keepAfter));
            }
            else
            {
                folded.AddRange(lines.GetRange(i, end - i));
            }

            i = end;
        }

        return folded;
    }
}
