namespace Portal.Bench;

/// <summary>A process (or process tree) whose CPU time a run tracks; <paramref name="IsServer"/> for portal instances and the baseline.</summary>
internal sealed record CpuSource(string Name, Func<TimeSpan> Read, bool IsServer);
