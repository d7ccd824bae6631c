namespace Portal.Simulator;

/// <summary>How the portal answered one delivery: a status code, or the exception when there was no answer.</summary>
public sealed record DeliveryResult(string RequestId, int? StatusCode, TimeSpan? RetryAfter, TimeSpan Elapsed, string? Error)
{
    /// <summary>True for 2xx, which Sentry counts as delivered.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
