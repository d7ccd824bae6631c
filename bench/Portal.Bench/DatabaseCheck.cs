namespace Portal.Bench;

/// <summary>
/// The database after the run against what the bench saw acknowledged: nothing lost, nothing stored twice, every
/// row processed and released within the drain time.
/// </summary>
/// <remarks>
/// <c>Acknowledged</c>: Distinct deliveries the portal answered 2xx (warm-up included).<br/>
/// <c>StoredAcknowledged</c>: Rows whose body is one of those.<br/>
/// <c>Lost</c>: Acknowledged deliveries with no row.<br/>
/// <c>Duplicates</c>: Rows beyond one per distinct body.<br/>
/// <c>OtherRows</c>: Rows of deliveries not acknowledged in the load (installation.created, requests that failed).<br/>
/// <c>States</c>: Rows of acknowledged deliveries per State (0 Pending, 1 Processed, 2 Retrying, 3 Dead, 4 NeedsAttention).<br/>
/// <c>OtherStates</c>: The same for the other rows.<br/>
/// <c>Claimed</c>: Rows still claimed (ClaimedBy not null).<br/>
/// <c>DrainSeconds</c>: From the end of the load until no row was Pending, Retrying or claimed (or the limit).<br/>
/// <c>Retries</c>: Retries sent to the other instance and how they were answered.<br/>
/// </remarks>
internal sealed record DatabaseCheck(
    int Acknowledged,
    int StoredRows,
    int StoredAcknowledged,
    int Lost,
    int Duplicates,
    int OtherRows,
    IReadOnlyDictionary<string, int> States,
    IReadOnlyDictionary<string, int> OtherStates,
    int Claimed,
    double DrainSeconds,
    bool Drained,
    int Retries,
    IReadOnlyDictionary<string, int> RetryOutcomes,
    int FailedRequests)
{
    public int Unprocessed => States.Where(s => s.Key != "1").Sum(s => s.Value);

    public bool RetriesAnswered200 => RetryOutcomes.All(o => o.Key == "200");

    /// <summary>Rows not acknowledged are allowed only for installation.created and requests that failed (stored, answer lost).</summary>
    public bool Passed => Lost == 0 && Duplicates == 0 && StoredAcknowledged == Acknowledged && OtherRows <= 1 + FailedRequests
        && Unprocessed == 0 && Claimed == 0 && RetriesAnswered200;

    public string Verdict => Passed
        ? $"PASS: {StoredAcknowledged:N0} rows for {Acknowledged:N0} acknowledged deliveries, 0 lost, 0 duplicated, all processed (State=1) within {DrainSeconds:0.0} s, none claimed"
            + (Retries > 0 ? $", {Retries:N0} retries to the other instance all answered 200" : "")
        : $"FAIL: acknowledged {Acknowledged:N0}, rows for them {StoredAcknowledged:N0}, lost {Lost:N0}, duplicated {Duplicates:N0}, other rows {OtherRows:N0}, "
            + $"not processed {Unprocessed:N0} ({string.Join(", ", States.Select(s => $"State={s.Key}: {s.Value:N0}"))}), still claimed {Claimed:N0}"
            + (Retries > 0 ? $", retries {string.Join(", ", RetryOutcomes.Select(o => $"{o.Key}: {o.Value:N0}"))}" : "");
}
