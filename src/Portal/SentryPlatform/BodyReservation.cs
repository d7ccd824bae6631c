namespace Portal.SentryPlatform;

/// <summary>
/// One request's share of the <see cref="UnverifiedBodyBudget"/>: taken before its body is read, grown as a chunked
/// body arrives, given back once (the signature check or the end of the request, whichever comes first).
/// </summary>
internal sealed class BodyReservation(UnverifiedBodyBudget budget) : IDisposable
{
    private readonly Lock gate = new();
    private long bytes;
    private bool released;

    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>Makes the reservation <paramref name="totalBytes"/> large; false when the budget cannot give that much.</summary>
    public bool TryGrowTo(long totalBytes)
    {
        lock (gate)
        {
            if (totalBytes <= bytes)
            {
                return true;
            }

            if (released || !budget.TryTake(totalBytes - bytes, totalBytes))
            {
                return false;
            }

            bytes = totalBytes;
            return true;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (!released)
            {
                released = true;
                budget.Give(bytes);
                bytes = 0;
            }
        }
    }
}
