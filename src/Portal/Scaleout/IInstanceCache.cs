namespace Portal.Scaleout;

/// <summary>
/// An in-memory copy of rows that another instance may change. Changes announced on Redis apply at once; this is
/// the fallback: <see cref="CacheRefresher"/> calls it every <see cref="ScaleoutOptions.RefreshInterval"/> and
/// whenever announcements may have been lost (<see cref="InstanceMessages.Interrupted"/>).
/// </summary>
public interface IInstanceCache
{
    /// <summary>Brings the copy up to the database. Must not slow the lookups it serves.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}
