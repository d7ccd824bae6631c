using System.Collections.Concurrent;

namespace Portal.Webhooks;

/// <summary>
/// Lets a repeated warning through once per key per minute, with the number it held back, so a flood of flagged
/// deliveries (a skewed clock, an unknown installation) alerts the operator without drowning the log. The
/// metrics still count every one.
/// </summary>
internal sealed class WarningThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const int MaxKeys = 10_000;

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>True when this warning should be written now; <paramref name="suppressed"/> says how many were held back since.</summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        var now = time.GetUtcNow();
        if (windows.Count > MaxKeys)
        {
            windows.Clear();
        }

        var window = windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            if (window.OpenedAt is { } opened && now - opened < Interval)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = window.Suppressed;
            window.OpenedAt = now;
            window.Suppressed = 0;
            return true;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset? OpenedAt { get; set; }

        public long Suppressed { get; set; }
    }
}
