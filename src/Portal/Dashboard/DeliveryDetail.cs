using Portal.Data.Entities;

namespace Portal.Dashboard;

/// <summary>One stored delivery as its detail page shows it; the payload already pretty-printed and redacted.</summary>
public sealed record DeliveryDetail(
    long Id,
    string? RequestId,
    string Resource,
    string? Action,
    Guid? InstallationUuid,
    long? OrganizationId,
    string? OrganizationSlug,
    bool CanReplay,
    DateTimeOffset ReceivedAt,
    long? HookTimestamp,
    DeliveryFlags Flags,
    DeliverySource Source,
    DeliveryState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? ProcessedAt,
    string? LastError,
    string? Summary,
    int BodyLength,
    string BodySha256,
    string Payload);
