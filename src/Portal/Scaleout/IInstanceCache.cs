namespace Portal.Scaleout;

/// <summary>
/// An in-memory copy of rows that another instance may change. Changes announced on Redis apply at once; this is
/// the fallback: <see cref="CacheRefresher"/> calls it every <see cref="ScaleoutOptions.RefreshInterval"/> and
/// whenever the Redis connection is lost or comes back (announcements made meanwhile are lost).
/// </summary>
public interface IInstanceCache
{
    /// <summary>Brings the copy up to the database. Must not slow the lookups it serves.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}
