using Portal.Realtime;

namespace Portal.Dashboard;

/// <summary>
/// The newest deliveries as a live page shows them: newest first, one entry per delivery, capped. Applying the
/// same summaries in any order and any number of times gives the same list, so the page can merge the stream
/// with what it read from the database without caring which came first.
/// </summary>
public sealed class LiveDeliveryList(int capacity = LiveDeliveryList.DefaultCapacity)
{
    public const int DefaultCapacity = 500;

    /// <summary>How many it keeps; a page that loads older deliveries raises it.</summary>
    public int Capacity { get; set; } = capacity;

    private readonly SortedList<long, DeliverySummary> byId = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));

    public IList<DeliverySummary> Items => byId.Values;

    public int Count => byId.Count;

    /// <summary>Adds or updates one delivery; returns whether the list changed.</summary>
    public bool Apply(DeliverySummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (byId.TryGetValue(summary.Id, out var known))
        {
            // Only a state change is newer than what we have; a replayed "stored" or a database read may be older.
            if (summary.Kind != DeliverySummaryKind.StateChanged || known == summary)
            {
                return false;
            }

            byId[summary.Id] = summary;
            return true;
        }

        if (byId.Count >= Capacity && summary.Id < byId.Keys[^1])
        {
            return false;
        }

        byId[summary.Id] = summary;
        while (byId.Count > Capacity)
        {
            byId.RemoveAt(byId.Count - 1);
        }

        return true;
    }

    public bool Contains(long id) => byId.ContainsKey(id);

    /// <summary>Removes one delivery (it no longer matches what the page shows); returns whether it was there.</summary>
    public bool Remove(long id) => byId.Remove(id);

    /// <summary>The oldest id held, or null when empty: where the next older page starts.</summary>
    public long? OldestId => byId.Count == 0 ? null : byId.Keys[^1];

    /// <summary>The newest id held, or null when empty.</summary>
    public long? NewestId => byId.Count == 0 ? null : byId.Keys[0];
}
