using System.Runtime.InteropServices;

namespace Portal.Bench;

/// <summary>The machine a run was made on, for the report.</summary>
internal sealed record MachineInfo(int Cores, double MemoryGiB, string Cpu, string Os, string Runtime, string IdleCpuBefore)
{
    /// <summary>
    /// Share of CPU time idle over a short sample: other work on the machine skews every number the bench reports.
    /// (The load average is no use here: it still counts the previous run's threads for minutes.)
    /// </summary>
    public static string SampleIdleCpu(TimeSpan sample)
    {
        try
        {
            var before = ReadCpuTimes();
            Thread.Sleep(sample);
            var after = ReadCpuTimes();
            var total = after.Total - before.Total;
            return total <= 0 ? "unknown" : $"{100.0 * (after.Idle - before.Idle) / total:0}%";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>Waits until a 2 s sample shows the CPU at least 90 % idle, or <paramref name="limit"/> passes; true if idle.</summary>
    public static async Task<bool> WaitForIdleAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var before = ReadCpuTimes();
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var after = ReadCpuTimes();
            var total = after.Total - before.Total;
            if (total > 0 && (double)(after.Idle - before.Idle) / total >= 0.9)
            {
                return true;
            }

            if (started.Elapsed >= limit)
            {
                return false;
            }
        }
    }

    /// <summary>Idle and total CPU time of the whole machine so far, in clock ticks (all cores).</summary>
    public static (long Idle, long Total) ReadCpuTimes()
    {
        // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ..." in clock ticks.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Take(8).Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (fields[3] + fields[4], fields.Sum());
    }

    /// <summary>One line for a report's heading.</summary>
    public string Describe() =>
        $"{Cores} cores ({Cpu}) · {MemoryGiB} GiB · {Os} · {Runtime} · CPU idle before the run {IdleCpuBefore}";

    public static MachineInfo Read()
    {
        var memoryKb = ReadField("/proc/meminfo", "MemTotal") is { } total
            && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb : 0;
        return new MachineInfo(
            Environment.ProcessorCount,
            Math.Round(memoryKb / 1024.0 / 1024.0, 1),
            ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            SampleIdleCpu(TimeSpan.FromSeconds(2)));
    }

    private static string? ReadField(string path, string name)
    {
        try
        {
            return File.ReadLines(path)
                .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
