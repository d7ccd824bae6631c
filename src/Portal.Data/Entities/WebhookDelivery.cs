namespace Portal.Data.Entities;

/// <summary>One request Sentry delivered, kept byte for byte; the outbox the processor works through.</summary>
public sealed class WebhookDelivery
{
    /// <summary>Monotonic, assigned by the database: the order of arrival and the live stream's cursor.</summary>
    public long Id { get; init; }

    /// <summary>Sentry's <c>Request-ID</c>: new for every attempt, so kept for tracing only (not for dedupe).</summary>
    public string? RequestId { get; init; }

    /// <summary>SHA-256 of the raw body; unique, so Sentry's retries of the same body are stored once.</summary>
    public required byte[] BodySha256 { get; init; }

    public required string Resource { get; init; }

    public string? Action { get; init; }

    public Guid? InstallationUuid { get; init; }

    /// <summary>
    /// Sentry's id of the organization of the installation it names; filled in by the processor once that
    /// installation's organization is known. Null for orphans: those are operators' business only.
    /// </summary>
    public long? OrganizationId { get; set; }

    /// <summary>The organization, for its slug; loaded only where a page shows it.</summary>
    public Organization? Organization { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary><c>Sentry-Hook-Timestamp</c> as sent (unsigned, whole Unix seconds); null when missing or not an integer.</summary>
    public long? HookTimestamp { get; init; }

    public DeliveryFlags Flags { get; set; }

    public DeliverySource Source { get; init; }

    /// <summary>The exact bytes Sentry signed. Holds secrets (the grant code); never shown without redaction.</summary>
    public required byte[] Body { get; init; }

    public DeliveryState State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>
    /// The instance processing this delivery now, when several share a PostgreSQL database; null when none is (and
    /// always on SQLite, which one process owns). Its outcome is recorded only while the claim is still its own.
    /// </summary>
    public string? ClaimedBy { get; set; }

    /// <summary>Until when <see cref="ClaimedBy"/> holds it unless renewed; after that (its instance died) another takes it.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>A one-line description for lists (issue title, comment text…), capped and free of secrets.</summary>
    public string? Summary { get; set; }
}
