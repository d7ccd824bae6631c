using Portal.Webhooks;

namespace Portal.Tickets;

internal static class TicketWebhookTime
{
    /// <summary>When Sentry sent it (<c>Sentry-Hook-Timestamp</c>, whole seconds), else when it arrived.</summary>
    public static DateTimeOffset Of(WebhookEvent webhook) =>
        webhook.Delivery.HookTimestamp is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : webhook.Delivery.ReceivedAt;
}
