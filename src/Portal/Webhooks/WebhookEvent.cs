using System.Text.Json;
using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>A stored delivery with its parsed body, as handlers see it.</summary>
internal sealed record WebhookEvent(WebhookDelivery Delivery, JsonElement Root)
{
    public string Resource => Delivery.Resource;

    public string? Action => Delivery.Action;

    public Guid? InstallationUuid => Delivery.InstallationUuid;

    public JsonElement Data => Root.TryGetProperty("data", out var data) ? data : default;
}
