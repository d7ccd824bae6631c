namespace Portal.Dashboard;

/// <summary>The overview at one moment: the last hour per minute and resource, current state counts, acknowledgement times.</summary>
public sealed record OverviewSnapshot(
    DateTimeOffset From,
    IReadOnlyList<string> Resources,
    IReadOnlyDictionary<string, double[]> PerMinuteByResource,
    int LastHour,
    int Waiting,
    int Retrying,
    int Dead,
    int NeedsAttention,
    double? AcknowledgedP50,
    double? AcknowledgedP99);
