namespace Portal.Data.Entities;

/// <summary>What was unusual about a delivery. None of these make the portal refuse a correctly signed delivery.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "design.md calls these the delivery's flags.")]
public enum DeliveryFlags
{
    None = 0,

    /// <summary><c>Sentry-Hook-Timestamp</c> missing, not an integer, or more than 300 s away from our clock.</summary>
    StaleTimestamp = 1,

    /// <summary>No installation with this uuid was known when it was processed (cleared once one is).</summary>
    Orphan = 2,

    /// <summary>The body is not JSON we understand, or the resource/action is not one Sentry documents.</summary>
    Unparsed = 4,

    /// <summary>Re-run from the dashboard rather than delivered by Sentry.</summary>
    Replay = 8,

    /// <summary>Sent by the portal's own simulator.</summary>
    Simulated = 16,

    /// <summary>About an installation that was uninstalled when it was processed: nothing is done for it in Sentry.</summary>
    Uninstalled = 32,
}
