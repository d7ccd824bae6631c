namespace Portal.SentryPlatform;

/// <summary>
/// Gives each attempt of a call to Sentry its own timeout to answer in. It sits inside
/// <see cref="SentryRateLimitHandler"/> and replaces <c>HttpClient.Timeout</c>, which would count the waits for a 429
/// and the attempts after them against one budget. A timeout surfaces as HttpClient's does: a
/// <see cref="TaskCanceledException"/> over a <see cref="TimeoutException"/>, while the caller's token is not cancelled.
/// </summary>
internal sealed class SentryAttemptTimeoutHandler(TimeSpan timeout, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, clock);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await base.SendAsync(request, attempt.Token);
        }
        catch (OperationCanceledException exception) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException(
                $"Sentry did not answer within {timeout.TotalSeconds:0} s.", new TimeoutException(exception.Message, exception));
        }
    }
}
