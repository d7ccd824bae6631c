namespace Portal.Webhooks;

/// <summary>
/// Commits a batch of deliveries in one transaction. The seam through which tests inject storage failures
/// (design.md §6).
/// </summary>
internal interface IDeliveryStore
{
    /// <returns>For each delivery, in order: its new row id, or null when its body was already stored.</returns>
    Task<IReadOnlyList<long?>> InsertBatchAsync(IReadOnlyList<PendingDelivery> batch, CancellationToken cancellationToken);
}
