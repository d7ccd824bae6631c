namespace Portal.Bench;

/// <summary>
/// Which instance acknowledged each delivery of the pool and under which Request-ID, so the database can be checked
/// against what was acknowledged and the stream's messages traced back to the instance that stored them.
/// </summary>
internal sealed class SendLog(int poolSize)
{
    // 0: not acknowledged; i + 1: acknowledged (2xx) by instance i.
    private readonly byte[] acknowledgedBy = new byte[poolSize];
    private readonly string?[] requestIds = new string?[poolSize];

    /// <summary>Sentry-style retries: the same delivery sent again to the other instance after it was acknowledged.</summary>
    public LatencyRecorder Retries { get; } = new();

    public void Acknowledged(int index, int instance, string requestId)
    {
        requestIds[index] = requestId;
        Volatile.Write(ref acknowledgedBy[index], (byte)(instance + 1));
    }

    public IEnumerable<int> AcknowledgedIndices() => Enumerable.Range(0, acknowledgedBy.Length).Where(i => acknowledgedBy[i] != 0);

    public int AcknowledgedCount => acknowledgedBy.Count(b => b != 0);

    /// <summary>Request-ID → the instance that acknowledged it first.</summary>
    public Dictionary<string, int> InstanceByRequestId()
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < acknowledgedBy.Length; i++)
        {
            if (acknowledgedBy[i] != 0 && requestIds[i] is { } id)
            {
                map[id] = acknowledgedBy[i] - 1;
            }
        }

        return map;
    }
}
