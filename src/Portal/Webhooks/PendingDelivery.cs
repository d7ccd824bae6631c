using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>A verified delivery on its way to the writer; the request awaits <see cref="QueuedWrite.Stored"/> before answering.</summary>
internal sealed class PendingDelivery : QueuedWrite
{
    public required byte[] Body { get; init; }

    /// <summary>The body as the column keeps it (compressed), made on the request's thread rather than the writer's.</summary>
    public required byte[] StoredBody { get; init; }

    public required byte[] BodySha256 { get; init; }

    public string? RequestId { get; init; }

    public required string Resource { get; init; }

    public string? Action { get; init; }

    public Guid? InstallationUuid { get; init; }

    /// <summary>The installation's organization when it is already known; the live "stored" message carries it.</summary>
    public long? OrganizationId { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public long? HookTimestamp { get; init; }

    public DeliveryFlags Flags { get; init; }

    public DeliverySource Source { get; init; }
}
