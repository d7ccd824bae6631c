namespace Portal.Webhooks;

/// <summary>Wakes the processor when the writer has committed something, instead of polling the table.</summary>
internal sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another notifier got there first; one wake-up is enough.
            }
        }
    }

    /// <summary>Waits for a notification or until <paramref name="timeout"/> passes on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notified = signal.WaitAsync(cancel.Token);
        var elapsed = Task.Delay(timeout, time, cancel.Token);
        await Task.WhenAny(notified, elapsed);
        await cancel.CancelAsync();

        // Let both settle: the wait either took the signal or was cancelled before it could.
        await notified.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await elapsed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose() => signal.Dispose();
}
