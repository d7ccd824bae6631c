using Portal.Data.Entities;

namespace Portal.Webhooks;

/// <summary>
/// Commits one group of writes in one transaction: new deliveries and processing outcomes. The seam through which
/// tests inject storage failures (design.md §6).
/// </summary>
/// <remarks>
/// An outcome with <see cref="WebhookDelivery.ClaimedBy"/> set is recorded only if the row is still claimed by that
/// instance, and releases the claim; one without (a replay, or any outcome on SQLite) is recorded as it is.
/// </remarks>
internal interface IDeliveryStore
{
    Task<StoreCommit> CommitAsync(
        IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<WebhookDelivery> outcomes, CancellationToken cancellationToken);
}
