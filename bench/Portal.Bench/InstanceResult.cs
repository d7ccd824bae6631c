namespace Portal.Bench;

/// <summary>One portal process of a run: its share of the load, CPU over the window and memory.</summary>
internal sealed record InstanceResult(string Name, int Pid, double Cores, double IdleMemoryMb, double PeakMemoryMb);
