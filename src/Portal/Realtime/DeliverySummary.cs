using System.Text.Json.Serialization;
using Portal.Data.Entities;

namespace Portal.Realtime;

/// <summary>
/// What the live stream carries about one delivery: never the body, never a secret (design.md §5). Public because
/// SignalR serialises it to clients in other processes, which read <see cref="State"/> as the state's name
/// ("Processed"), never its number.
/// </summary>
public sealed record DeliverySummary(
    long Id,
    DeliverySummaryKind Kind,
    DateTimeOffset ReceivedAt,
    DateTimeOffset PublishedAt,
    string Resource,
    string? Action,
    Guid? InstallationUuid,
    long? OrganizationId,
    string? OrganizationSlug,
    IReadOnlyList<string> Flags,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DeliveryState>))] DeliveryState State,
    int Attempts,
    string? Summary,
    string? LastError,
    string? RequestId = null)
{
    /// <summary>The summary of a stored delivery; <paramref name="organizationSlug"/> names its organization for display.</summary>
    public static DeliverySummary From(WebhookDelivery delivery, DeliverySummaryKind kind, DateTimeOffset publishedAt, string? organizationSlug)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return new DeliverySummary(
            delivery.Id, kind, delivery.ReceivedAt, publishedAt, delivery.Resource, delivery.Action, delivery.InstallationUuid,
            delivery.OrganizationId, organizationSlug, DeliveryFlagNames.Of(delivery.Flags), delivery.State, delivery.Attempts,
            delivery.Summary, delivery.LastError, delivery.RequestId);
    }
}
