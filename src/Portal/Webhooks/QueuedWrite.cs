namespace Portal.Webhooks;

/// <summary>Something waiting in the <see cref="DeliveryWriter"/>'s queue for the next group commit.</summary>
internal abstract class QueuedWrite
{
    private readonly TaskCompletionSource<StoreOutcome> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the write is committed, or could not be.</summary>
    public Task<StoreOutcome> Stored => completion.Task;

    public void Complete(StoreOutcome outcome) => completion.TrySetResult(outcome);
}
