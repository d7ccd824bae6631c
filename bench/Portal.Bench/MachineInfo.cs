using System.Runtime.InteropServices;

namespace Portal.Bench;

/// <summary>The machine a run was made on, for the report.</summary>
internal sealed record MachineInfo(int Cores, double MemoryGiB, string Cpu, string Os, string Runtime)
{
    public static MachineInfo Read()
    {
        var memoryKb = ReadField("/proc/meminfo", "MemTotal") is { } total
            && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb : 0;
        return new MachineInfo(
            Environment.ProcessorCount,
            Math.Round(memoryKb / 1024.0 / 1024.0, 1),
            ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription);
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
