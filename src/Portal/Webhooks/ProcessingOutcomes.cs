using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>The processor's results for one batch: each delivery's new state, flags, attempts and summary.</summary>
internal sealed class ProcessingOutcomes(IReadOnlyList<WebhookDelivery> deliveries) : QueuedWrite
{
    public IReadOnlyList<WebhookDelivery> Deliveries { get; } = deliveries;

    /// <summary>Once stored: the deliveries whose outcome was not recorded because their claim was lost (<see cref="StoreCommit.Superseded"/>).</summary>
    public IReadOnlySet<long> Superseded { get; set; } = StoreCommit.NoneSuperseded;
}
