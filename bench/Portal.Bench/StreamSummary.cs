namespace Portal.Bench;

/// <summary>What the stream client saw about deliveries the portal received during the measured window.</summary>
/// <param name="Available">False when the hub could not be reached (then only <paramref name="Problem"/> is set).</param>
/// <param name="Latency">Live messages (kind Stored): client receive time − publishedAt, in ms.</param>
/// <param name="FirstNotice">Per delivery, the first Stored or Backfill message: client receive time − receivedAt, in ms.</param>
/// <param name="Stored">Live Stored messages.</param>
/// <param name="Backfilled">Backfill messages (sent from the database after the client fell behind).</param>
/// <param name="Noticed">Distinct deliveries the client heard of, live or backfilled.</param>
/// <param name="StateChanged">StateChanged messages during the whole run.</param>
/// <param name="Other">Messages of other kinds during the whole run.</param>
/// <param name="Reloads">Times the hub told the client to reload (it fell too far behind).</param>
/// <param name="Disconnected">True if the hub closed the connection during the run.</param>
/// <param name="Problem">Why the stream was unavailable or ended, if it did.</param>
internal sealed record StreamSummary(
    bool Available,
    LatencySummary Latency,
    LatencySummary FirstNotice,
    int Stored,
    int Backfilled,
    int Noticed,
    int StateChanged,
    int Other,
    int Reloads,
    bool Disconnected,
    string? Problem);
