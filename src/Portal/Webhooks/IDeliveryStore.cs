using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>
/// Commits one group of writes in one transaction: new deliveries and processing outcomes. The seam through which
/// tests inject storage failures (design.md §6).
/// </summary>
internal interface IDeliveryStore
{
    /// <returns>For each new delivery, in order: its row id, or null when its body was already stored.</returns>
    Task<IReadOnlyList<long?>> CommitAsync(
        IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<WebhookDelivery> outcomes, CancellationToken cancellationToken);
}
