namespace Portal.Webhooks;

/// <summary>What one group commit did.</summary>
/// <param name="Ids">For each new delivery, in order: its row id, or null when its body was already stored.</param>
/// <param name="Superseded">
/// Outcomes not recorded because their claim was no longer their instance's (it lapsed and another instance took the
/// delivery, or a replay reset it): the delivery is someone else's now.
/// </param>
internal sealed record StoreCommit(IReadOnlyList<long?> Ids, IReadOnlySet<long> Superseded)
{
    public static readonly IReadOnlySet<long> NoneSuperseded = new HashSet<long>();
}
