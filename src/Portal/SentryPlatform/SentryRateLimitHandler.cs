using System.Net;
using System.Net.Http.Headers;

namespace Portal.SentryPlatform;

/// <summary>
/// Sentry's 429s on the API client: a <c>Retry-After</c> of at most <see cref="MaxRetryAfter"/> is waited out and
/// the call sent again, up to <see cref="MaxAttempts"/> attempts in all. A longer wait, or a 429 on the last attempt,
/// fails the call as <see cref="SentryApiFailure.RateLimited"/> carrying the delay Sentry asked for.
/// </summary>
internal sealed partial class SentryRateLimitHandler(TimeProvider time, ILogger<SentryRateLimitHandler> logger) : DelegatingHandler
{
    /// <summary>Longest <c>Retry-After</c> waited out in place; longer ones fail the call as rate limited.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    public const int MaxAttempts = 3;

    // A 429 without Retry-After: wait a second, as the client always has.
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long <paramref name="retryAfter"/> asks to wait from <paramref name="now"/>: its seconds, or the time
    /// until its HTTP date (none when the date has passed); null without the header.
    /// </summary>
    public static TimeSpan? DelayOf(RetryConditionHeaderValue? retryAfter, DateTimeOffset now) =>
        retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            TimeSpan retryAfter;
            using (response)
            {
                retryAfter = DelayOf(response.Headers.RetryAfter, time.GetUtcNow()) ?? DefaultRetryAfter;
            }

            var operation = SentryApiRequest.OperationOf(request);
            if (retryAfter > MaxRetryAfter || attempt >= MaxAttempts)
            {
                throw new SentryApiException(SentryApiFailure.RateLimited,
                    $"Sentry rate-limited {operation}; it asked to wait {retryAfter.TotalSeconds:0} s.",
                    HttpStatusCode.TooManyRequests, retryAfter: retryAfter);
            }

            LogRateLimited(operation, retryAfter.TotalSeconds);
            await Task.Delay(retryAfter, time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry rate-limited {Operation}; retrying after {Seconds} s")]
    private partial void LogRateLimited(string operation, double seconds);
}
