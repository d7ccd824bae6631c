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

    public async Task<IDisposable> AcquireAsync(Guid installationUuid, CancellationToken cancellationToken)
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

        return new Held(this, installationUuid, entry);
    }

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

    private sealed class Held(InstallationLocks owner, Guid installationUuid, Entry entry) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                entry.Semaphore.Release();
                owner.Leave(installationUuid, entry);
            }
        }
    }
}
