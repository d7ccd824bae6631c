using System.ComponentModel.DataAnnotations;

namespace Portal.Scaleout;

/// <summary>
/// How the portal's instances keep each other current (configuration section <c>Portal:Scaleout</c>). Redis itself is
/// <c>ConnectionStrings:Redis</c>; without it every cache converges by re-reading the database.
/// </summary>
public sealed class ScaleoutOptions
{
    public const string SectionName = "Portal:Scaleout";

    /// <summary>
    /// Starts every Redis channel name (<c>portal:deliveries</c>, SignalR's <c>portal…</c>), so several portals can
    /// share one Redis without hearing each other.
    /// </summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Portal:Scaleout:ChannelPrefix is 1 to 64 letters, digits, '_', '.' or '-'.")]
    public string ChannelPrefix { get; set; } = "portal";

    /// <summary>
    /// How often the in-memory caches (service hook secrets, installations' organizations, organizations' slugs)
    /// re-read the database when no Redis tells them of changes: not configured, or unreachable (default 5 s). Another
    /// instance's change is seen within this time. Zero turns it off, for a single instance.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Portal:Scaleout:RefreshInterval is between 00:00:00 (off) and 01:00:00.")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The same while Redis is connected (default a minute): a safety net only, since every change is announced on
    /// Redis and the caches re-read at once whenever the connection comes back. Zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Portal:Scaleout:RefreshIntervalWithRedis is between 00:00:00 (off) and 1.00:00:00.")]
    public TimeSpan RefreshIntervalWithRedis { get; set; } = TimeSpan.FromMinutes(1);
}
