using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>The processor's results for one batch: each delivery's new state, flags, attempts and summary.</summary>
internal sealed class ProcessingOutcomes(IReadOnlyList<WebhookDelivery> deliveries) : QueuedWrite
{
    public IReadOnlyList<WebhookDelivery> Deliveries { get; } = deliveries;
}
