namespace Portal.Installations;

/// <summary>
/// One async lock per installation, created on first use and dropped when nobody holds or waits for it, so
/// work on one installation is serialised in this process without holding up any other installation. The locks
/// are not reentrant. There are two domains, each its own singleton: <see cref="InstallationLifecycleLocks"/> and
/// <see cref="TokenRefreshLocks"/>; a holder of the first may take the second, never the other way round.
/// </summary>
internal abstract class InstallationLocks
{
    private readonly Dictionary<Guid, Entry> entries = [];

    public async Task<IAsyncDisposable> AcquireAsync(Guid installationUuid, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (entries)
        {
            if (!entries.TryGetValue(installationUuid, out entry!))
            {
                entries[installationUuid] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(installationUuid, entry);
            throw;
        }

        try
        {
            return new Held(this, installationUuid, entry, await AcrossInstancesAsync(installationUuid, cancellationToken));
        }
        catch
        {
            entry.Semaphore.Release();
            Leave(installationUuid, entry);
            throw;
        }
    }

    /// <summary>
    /// What else to hold, once this process's lock is held, so that other instances on the same database wait too;
    /// null when the domain needs nothing beyond this process.
    /// </summary>
    protected virtual Task<IAsyncDisposable?> AcrossInstancesAsync(Guid installationUuid, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(null);

    private void Leave(Guid installationUuid, Entry entry)
    {
        lock (entries)
        {
            if (--entry.Users == 0)
            {
                entries.Remove(installationUuid);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Held(InstallationLocks owner, Guid installationUuid, Entry entry, IAsyncDisposable? across) : IAsyncDisposable
    {
        private int released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                try
                {
                    if (across is not null)
                    {
                        await across.DisposeAsync();
                    }
                }
                finally
                {
                    entry.Semaphore.Release();
                    owner.Leave(installationUuid, entry);
                }
            }
        }
    }
}
