using System.Text.Json.Serialization;

namespace Portal.Realtime;

[JsonConverter(typeof(JsonStringEnumConverter<DeliverySummaryKind>))]
public enum DeliverySummaryKind
{
    /// <summary>The delivery was committed (and acknowledged to Sentry).</summary>
    Stored,

    /// <summary>Its processing state changed: processed, failed (with a retry scheduled) or dead.</summary>
    StateChanged,

    /// <summary>Sent when catching a client up from the database after it reconnected or fell behind.</summary>
    Backfill,
}
