namespace Portal.Bench;

/// <summary>One target from design.md §6 / reliability.md and whether the portal met it.</summary>
internal sealed record TargetCheck(string Name, string Measured, bool Met);
