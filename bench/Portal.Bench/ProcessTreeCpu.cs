using System.Globalization;

namespace Portal.Bench;

/// <summary>
/// CPU time of a process and all its descendants, read from <c>/proc</c>: PostgreSQL does its work in backends the
/// postmaster forks, so the server's own counter would miss it. Children that already exited are counted through
/// the root's cutime/cstime once reaped.
/// </summary>
internal static class ProcessTreeCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan Read(int rootPid)
    {
        var parents = new Dictionary<int, int>();
        var cpu = new Dictionary<int, long>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ReadStat(pid) is not { } stat)
            {
                continue;
            }

            parents[pid] = stat.Parent;
            cpu[pid] = pid == rootPid ? stat.Own + stat.Children : stat.Own;
        }

        long total = 0;
        foreach (var (pid, ticks) in cpu)
        {
            if (IsInTree(pid, rootPid, parents))
            {
                total += ticks;
            }
        }

        return TimeSpan.FromSeconds(total / TicksPerSecond);
    }

    private static bool IsInTree(int pid, int root, Dictionary<int, int> parents)
    {
        for (var current = pid; current > 1; current = parents.GetValueOrDefault(current))
        {
            if (current == root)
            {
                return true;
            }
        }

        return false;
    }

    private static (int Parent, long Own, long Children)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");

            // "pid (comm) state ppid ..." — comm may contain spaces and parentheses, so split after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
            return ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
