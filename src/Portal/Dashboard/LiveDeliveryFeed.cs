using Portal.Realtime;
using Portal.Tenancy;

namespace Portal.Dashboard;

/// <summary>
/// What the deliveries page shows, kept live: the stored deliveries that match <see cref="Filter"/> within the
/// person's scope, read page by page from the database and then followed on the live stream. It decides; the page
/// renders when it is called back, at most once per <see cref="RenderInterval"/>.
/// </summary>
/// <remarks>
/// Not thread-safe, like the page it serves: its methods and the follow loop's continuations run on the caller's
/// synchronization context (the circuit's, in a page), so they never interleave mid-change.
/// </remarks>
internal sealed class LiveDeliveryFeed(DeliveryPublisher publisher, DeliveryHistory history, TimeProvider time)
{
    public const int PageSize = LiveDeliveryList.DefaultCapacity;

    private readonly TaskCompletionSource firstPage = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A busy stream renders this often at most, whatever its rate (reliability.md S3).</summary>
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>What the person asked for; set it, then <see cref="ReloadAsync"/>. The stream is sorted by the current one.</summary>
    public DeliveryFilter Filter { get; set; } = DeliveryFilter.None;

    /// <summary>Whose deliveries may be shown, from the database and from the stream alike.</summary>
    public AccessScope Scope { get; private set; } = AccessScope.None;

    public LiveDeliveryList Deliveries { get; private set; } = new();

    /// <summary>Whether the last page read was full, so an older one may follow.</summary>
    public bool OlderAvailable { get; private set; }

    /// <summary>Whether the first page has been read; until then the page says it is loading, not that nothing matches.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>Whether the stream is followed (after the first catch-up).</summary>
    public bool IsLive { get; private set; }

    /// <summary>Reads the newest page of what <see cref="Filter"/> matches within <paramref name="scope"/>.</summary>
    public async Task LoadAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Scope = scope;
        Deliveries = await FirstPageAsync(cancellationToken);
        IsLoaded = true;
        firstPage.TrySetResult();
    }

    /// <summary>Reads the newest page again after <see cref="Filter"/> changed.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var previous = Deliveries;
        var reloaded = await FirstPageAsync(cancellationToken);

        // What the stream brought while the query ran is newer than anything it read.
        var filter = Filter;
        foreach (var summary in previous.Items.Where(d => d.Id > (reloaded.NewestId ?? 0) && filter.Matches(d)))
        {
            reloaded.Apply(summary);
        }

        Deliveries = reloaded;
    }

    /// <summary>Adds the next page of older matches below what is shown.</summary>
    public async Task LoadOlderAsync(CancellationToken cancellationToken)
    {
        var page = await history.SearchAsync(Filter, Deliveries.OldestId, PageSize, Scope, cancellationToken);
        OlderAvailable = page.Count == PageSize;
        Deliveries.Capacity += page.Count;
        foreach (var summary in page)
        {
            Deliveries.Apply(summary);
        }
    }

    /// <summary>
    /// Follows the live stream until <paramref name="cancellationToken"/> is cancelled, calling
    /// <paramref name="render"/> once live and then after each change, but at most once per
    /// <see cref="RenderInterval"/>. A subscription that fell behind is caught up from the database (S2).
    /// </summary>
    public async Task FollowAsync(Func<Task> render, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(render);
        try
        {
            // The page starts following after its first render, which on an asynchronous database comes before the
            // first page is read; following earlier would fill a list the first page then replaces.
            await firstPage.Task.WaitAsync(cancellationToken);

            // Subscribe before reading the database, so nothing published in between is missed.
            using var subscription = publisher.Subscribe();
            await CatchUpAsync(cancellationToken);
            IsLive = true;
            await render();

            // Apply as messages come, render after each batch, and let the next batch gather meanwhile.
            while (await subscription.Reader.WaitToReadAsync(cancellationToken))
            {
                var changed = false;
                var filter = Filter;
                while (subscription.Reader.TryRead(out var summary))
                {
                    changed |= Take(summary, filter);
                }

                if (subscription.TakeDropped() > 0)
                {
                    changed |= await CatchUpAsync(cancellationToken);
                }

                if (changed)
                {
                    await render();
                    await Task.Delay(RenderInterval, time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<LiveDeliveryList> FirstPageAsync(CancellationToken cancellationToken)
    {
        var page = await history.SearchAsync(Filter, null, PageSize, Scope, cancellationToken);
        OlderAvailable = page.Count == PageSize;
        var list = new LiveDeliveryList(PageSize);
        foreach (var summary in page)
        {
            list.Apply(summary);
        }

        return list;
    }

    // A matching delivery joins (or updates) the list; one that stops matching — a "Pending" view whose
    // delivery was processed — leaves it.
    private bool Take(DeliverySummary summary, DeliveryFilter filter)
    {
        if (!Scope.Includes(summary.OrganizationId))
        {
            return false;
        }

        return filter.Matches(summary) ? Deliveries.Apply(summary) : Deliveries.Remove(summary.Id);
    }

    // Taken as state changes: the database is at least as new as anything the list holds.
    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var summary in await history.SearchAsync(Filter, null, PageSize, Scope, cancellationToken))
        {
            changed |= Deliveries.Apply(summary with { Kind = DeliverySummaryKind.StateChanged });
        }

        return changed;
    }
}
