namespace Portal.Bench;

/// <summary>What the stream client saw during the measured window.</summary>
/// <param name="Available">False when the hub could not be reached (then only <paramref name="Problem"/> is set).</param>
/// <param name="Latency">client receive time − publishedAt, for kind Stored, in ms.</param>
/// <param name="Stored">Stored messages received for deliveries received in the window.</param>
/// <param name="StateChanged">StateChanged messages received during the whole run.</param>
/// <param name="Other">Messages of other kinds (Backfill) during the whole run.</param>
/// <param name="Reloads">Times the hub told the client to reload (it fell too far behind).</param>
/// <param name="Disconnected">True if the hub closed the connection during the run.</param>
/// <param name="Problem">Why the stream was unavailable or ended, if it did.</param>
internal sealed record StreamSummary(
    bool Available,
    LatencySummary Latency,
    int Stored,
    int StateChanged,
    int Other,
    int Reloads,
    bool Disconnected,
    string? Problem);
