namespace Portal.Webhooks;

/// <summary>When a failed delivery is tried again (reliability.md D5): 1 s, 5 s, 30 s, 2 min, then every 10 min.</summary>
internal static class ProcessingSchedule
{
    public const int MaxAttempts = 10;

    /// <summary>How long one handler may run before the attempt counts as failed.</summary>
    public static readonly TimeSpan HandlerTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
    ];

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failure.</summary>
    public static TimeSpan DelayAfter(int failedAttempts) => Delays[Math.Clamp(failedAttempts, 1, Delays.Length) - 1];
}
