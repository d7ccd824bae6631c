namespace Portal.SentryPlatform;

/// <summary>
/// One request's share of the <see cref="UnverifiedBodyBudget"/>: taken before its body is read, grown as a chunked
/// body arrives, given back once (the signature check or the end of the request, whichever comes first).
/// </summary>
internal sealed class BodyReservation(UnverifiedBodyBudget budget) : IDisposable
{
    private long bytes;
    private int released;

    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>Makes the reservation <paramref name="totalBytes"/> large; false when the budget cannot give that much.</summary>
    public bool TryGrowTo(long totalBytes)
    {
        var held = Bytes;
        if (totalBytes <= held)
        {
            return true;
        }

        if (Volatile.Read(ref released) == 1 || !budget.TryTake(totalBytes - held, totalBytes))
        {
            return false;
        }

        Interlocked.Add(ref bytes, totalBytes - held);
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            budget.Give(Interlocked.Exchange(ref bytes, 0));
        }
    }
}
